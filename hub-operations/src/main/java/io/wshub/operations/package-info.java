/**
 * The operations endpoints of a node for Jetty 12: {@link io.wshub.operations.OperationsHandler}
 * serves the health report with its liveness and readiness probes, the metrics text and the admin
 * endpoint with the sessions furthest behind, for the hubs it is given.
 */
package io.wshub.operations;
