/**
 * What transports, brokers, metrics bindings and schedulers implement. Applications normally use
 * {@code io.wshub} only; a transport adapter implements {@link io.wshub.spi.Connection} and feeds
 * upgrade requests to a {@link io.wshub.spi.ConnectionAcceptor}.
 */
package io.wshub.spi;
