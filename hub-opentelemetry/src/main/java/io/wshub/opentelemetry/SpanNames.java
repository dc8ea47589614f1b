package io.wshub.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute names the spans use: OpenTelemetry's semantic conventions (HTTP for the upgrade,
 * messaging for the rest) where one names the fact, {@code wshub.*} where none does.
 */
final class SpanNames {

    static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<Long> CLIENT_PORT = AttributeKey.longKey("client.port");
    static final AttributeKey<String> USER_AGENT_ORIGINAL = AttributeKey.stringKey("user_agent.original");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> MESSAGING_OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGING_OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGING_DESTINATION_NAME = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> MESSAGING_CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
    static final AttributeKey<Long> MESSAGING_MESSAGE_BODY_SIZE = AttributeKey.longKey("messaging.message.body.size");

    static final AttributeKey<String> MESSAGE_TYPE = AttributeKey.stringKey("wshub.message.type");
    static final AttributeKey<String> MESSAGE_KIND = AttributeKey.stringKey("wshub.message.kind");
    static final AttributeKey<Long> RECIPIENTS = AttributeKey.longKey("wshub.recipients");
    static final AttributeKey<String> REFUSAL_REASON = AttributeKey.stringKey("wshub.refusal.reason");
    static final AttributeKey<String> OVERFLOW_POLICY = AttributeKey.stringKey("wshub.overflow_policy");
    static final AttributeKey<Long> DROPPED_MESSAGES = AttributeKey.longKey("wshub.dropped.messages");

    /** {@code messaging.system}: the hub is the messaging system its clients speak to. */
    static final String SYSTEM = "wshub";

    static final String DROPPED_EVENT = "message dropped";
    static final String SLOW_CONSUMER_EVENT = "slow consumer disconnected";

    private SpanNames() {
    }
}
