package io.wshub.examples;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.wshub.opentelemetry.HubTracing;
import io.wshub.spi.Tracing;

import java.util.Map;

/**
 * The tracing of one example server: none unless {@code tracing} is on (then no OpenTelemetry class
 * is even loaded), else the OpenTelemetry SDK as its autoconfiguration reads the {@code OTEL_*}
 * variables and {@code otel.*} properties. Closing it exports what is still buffered.
 */
final class ServerTracing implements AutoCloseable {

    static final ServerTracing OFF = new ServerTracing(null);

    /** Null when off. */
    private final OpenTelemetrySdk sdk;

    ServerTracing(OpenTelemetrySdk sdk) {
        this.sdk = sdk;
    }

    /** The tracing the settings ask for; the service is named after the server unless OTEL_SERVICE_NAME says otherwise. */
    static ServerTracing of(Settings settings, ExampleServer kind) {
        if (!settings.tracing()) {
            return OFF;
        }
        return new ServerTracing(AutoConfiguredOpenTelemetrySdk.builder()
                // Defaults the variables override: traces only, exported over OTLP, and closed by the server, not a hook.
                .addPropertiesSupplier(() -> Map.of("otel.service.name", "wshub-" + kind.command,
                        "otel.metrics.exporter", "none", "otel.logs.exporter", "none"))
                .disableShutdownHook()
                .build()
                .getOpenTelemetrySdk());
    }

    /** What each hub of the server traces through. */
    Tracing forHub() {
        return sdk == null ? Tracing.NONE : HubTracing.create(sdk);
    }

    @Override
    public void close() {
        if (sdk != null) {
            sdk.close();
        }
    }
}
