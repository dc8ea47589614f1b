package io.wshub.examples;

/** A setting that cannot be used; the message names where it came from and what is wrong. */
final class ConfigException extends RuntimeException {

    ConfigException(String message) {
        super(message, null, false, false); // a user's mistake, not a fault: no stack trace
    }
}
