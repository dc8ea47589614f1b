package io.wshub;

/**
 * What the hub holds for its delivery guarantees now, and what they did since it started
 * (docs/protocol.md, "Delivery guarantees"); all zero while they are off.
 *
 * @param heldSessions    sessions whose connection ended, held for resume now
 * @param historyMessages messages kept in the rooms' histories now
 * @param historyBytes    their payload bytes
 * @param inboxMessages   private messages kept in the sessions' inboxes now
 * @param inboxBytes      their payload bytes
 * @param refs            refs remembered for dedupe now, over all sessions
 * @param resumes         connections that took a session back with its token
 * @param expired         held sessions whose window ended without a resume
 * @param duplicates      messages not handled again because their ref already was
 */
public record DeliveryStats(
        int heldSessions,
        long historyMessages,
        long historyBytes,
        long inboxMessages,
        long inboxBytes,
        long refs,
        long resumes,
        long expired,
        long duplicates) {
}
