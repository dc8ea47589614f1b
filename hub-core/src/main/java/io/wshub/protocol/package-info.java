/**
 * The JSON envelope protocol of the example servers (docs/protocol.md) as reusable
 * handlers: a {@link io.wshub.protocol.MessageRouter} that dispatches by {@code type}, the room
 * and echo protocols built on it, and the raw echo and relay handlers. Applications start from
 * {@link io.wshub.protocol.RoomProtocol#router()} and add their own types with
 * {@link io.wshub.protocol.MessageRouter.Builder#on}.
 */
package io.wshub.protocol;
