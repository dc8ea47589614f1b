package io.wshub.bench.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class HealthProbeTest {

    private final ObjectMapper json = new ObjectMapper();

    private OptionalLong heapUsed(String document) throws Exception {
        return HealthProbe.heapUsed(json.readTree(document));
    }

    @Test
    void theUsedHeapIsFoundUnderTheNamesServersUse() throws Exception {
        assertThat(heapUsed("{\"status\":\"UP\",\"memory\":{\"heapUsedBytes\":1234}}")).hasValue(1234);
        assertThat(heapUsed("{\"heapUsed\":5}")).hasValue(5);
        assertThat(heapUsed("{\"jvm\":{\"heap\":{\"used\":77,\"max\":100}}}")).hasValue(77);
        assertThat(heapUsed("{\"heap\":{\"usedBytes\":88}}")).hasValue(88);
    }

    @Test
    void aDocumentWithoutTheFigureGivesNothing() throws Exception {
        assertThat(heapUsed("{\"status\":\"UP\",\"sessions\":3}")).isEmpty();
        assertThat(heapUsed("[1,2,3]")).isEmpty();
        assertThat(heapUsed("{\"heap\":\"big\"}")).isEmpty();
    }

    @Test
    void anUnreachableServerGivesNothing() {
        assertThat(new HealthProbe(java.net.URI.create("http://127.0.0.1:1/health")).heapUsedBytes()).isEmpty();
    }
}
