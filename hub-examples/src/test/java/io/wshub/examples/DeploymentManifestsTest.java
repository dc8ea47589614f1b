package io.wshub.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.wshub.examples.PublishedModules.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * No container runtime or cluster reaches this machine, so what can be checked without one is
 * checked here: the Kubernetes manifests of deploy/kubernetes/ parse, and their ports, probes and
 * timings agree with the server they run (its settings as the pod's environment sets them, its
 * defaults otherwise) and with the Dockerfile. docs/deployment.md says why each timing is what it is.
 */
class DeploymentManifestsTest {

    /**
     * After the drain, what a stop still takes at most: the last connections dropped and their ends
     * reported (about a second), Jetty stopped, the JVM gone.
     */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);
    private static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");

    private final List<JsonNode> resources = manifests();
    private final Dockerfile dockerfile = Dockerfile.read(ROOT.resolve("Dockerfile"));
    private final JsonNode deployment = resource("Deployment", "wshub-room");
    private final JsonNode pod = deployment.at("/spec/template");
    private final JsonNode container = pod.at("/spec/containers/0");
    /** The room server's settings as the pod's environment makes them. */
    private final Settings settings = SettingsLoader.load(null, env(container), Map.of());

    @Test
    void theKustomizationListsEveryManifestAndEachParses() throws IOException {
        JsonNode kustomization = new YAMLMapper().readTree(MANIFESTS.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.get("resources").forEach(r -> listed.add(r.asText()));
        try (var files = Files.list(MANIFESTS)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> !f.equals("kustomization.yaml")))
                    .containsExactlyInAnyOrderElementsOf(listed);
        }
        assertThat(resources).extracting(r -> r.path("kind").asText() + "/" + r.at("/metadata/name").asText())
                .containsExactlyInAnyOrder("Deployment/wshub-room", "Service/wshub-room", "PodDisruptionBudget/wshub-room",
                        "Deployment/wshub-redis", "Service/wshub-redis");
        assertThat(kustomization.at("/images/0/name").asText()).isEqualTo(container.path("image").asText());
    }

    @Test
    void thePortIsTheServersTheDockerfilesTheServicesAndPrometheusOne() {
        int port = settings.port();
        assertThat(port).isEqualTo(Settings.defaults().port());
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(port);
        assertThat(dockerfile.args("EXPOSE")).containsExactly(String.valueOf(port));
        assertThat(dockerfile.env()).containsEntry("WSHUB_PORT", String.valueOf(port));

        String portName = container.at("/ports/0/name").asText();
        assertThat(resource("Service", "wshub-room").at("/spec/ports/0/targetPort").asText()).isEqualTo(portName);
        for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            assertThat(container.at("/" + probe + "/httpGet/port").asText()).as(probe).isEqualTo(portName);
        }

        JsonNode annotations = pod.at("/metadata/annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asInt()).isEqualTo(settings.metricsPort().orElse(port));
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(settings.metricsPath());
        assertThat(settings.metrics()).as("metrics are served").isTrue();
    }

    @Test
    void readinessAndLivenessProbeTheServersHealthPaths() {
        assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo(HubServer.HEALTH_PATH + "/ready");
        assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo(HubServer.HEALTH_PATH + "/live");
        assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo(HubServer.HEALTH_PATH + "/live");
        assertThat(dockerfile.healthcheckUrl()).isEqualTo("http://127.0.0.1:" + settings.port() + HubServer.HEALTH_PATH + "/live");
    }

    @Test
    void theLivenessProbeHasTheDockerfilesTimings() {
        JsonNode liveness = container.path("livenessProbe");
        assertThat(seconds(liveness.path("periodSeconds"))).isEqualTo(dockerfile.healthcheckOption("interval"));
        assertThat(seconds(liveness.path("timeoutSeconds"))).isEqualTo(dockerfile.healthcheckOption("timeout"));
        assertThat(liveness.path("failureThreshold").asText()).isEqualTo(dockerfile.healthcheckRetries());
        JsonNode startup = container.path("startupProbe");
        Duration startupWindow = seconds(startup.path("periodSeconds")).multipliedBy(startup.path("failureThreshold").asInt());
        assertThat(startupWindow).as("the start-up probe allows what the Dockerfile's start period allows")
                .isGreaterThanOrEqualTo(dockerfile.healthcheckOption("start-period"));
    }

    @Test
    void aStoppingNodeLeavesTheLoadBalancerThenDrainsWithinTheGracePeriod() {
        List<String> preStop = new ArrayList<>();
        container.at("/lifecycle/preStop/exec/command").forEach(c -> preStop.add(c.asText()));
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        Duration pause = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        assertThat(pause).as("the pause outlasts a readiness period")
                .isGreaterThanOrEqualTo(seconds(container.at("/readinessProbe/periodSeconds")));

        Duration drain = settings.hubOptions().shutdownGrace();
        assertThat(seconds(pod.at("/spec/terminationGracePeriodSeconds")))
                .as("terminationGracePeriodSeconds against the pause (%s), shutdownGrace (%s) and the stop", pause, drain)
                .isGreaterThan(pause.plus(drain).plus(STOP_MARGIN));
        assertThat(dockerfile.args("STOPSIGNAL")).containsExactly("SIGTERM");
    }

    @Test
    void theNodesFindTheRedisOfTheManifests() {
        URI redis = URI.create(settings.redis());
        JsonNode service = resource("Service", "wshub-redis");
        assertThat(redis.getHost()).isEqualTo(service.at("/metadata/name").asText());
        assertThat(redis.getPort()).isEqualTo(service.at("/spec/ports/0/port").asInt());
        JsonNode redisPod = resource("Deployment", "wshub-redis").at("/spec/template");
        assertThat(redisPod.at("/spec/containers/0/ports/0/name").asText()).isEqualTo(service.at("/spec/ports/0/targetPort").asText());
    }

    @Test
    void servicesAndTheDisruptionBudgetSelectTheirPods() {
        for (String app : List.of("wshub-room", "wshub-redis")) {
            JsonNode labels = resource("Deployment", app).at("/spec/template/metadata/labels");
            assertLabelsMatch(resource("Deployment", app).at("/spec/selector/matchLabels"), labels);
            assertLabelsMatch(resource("Service", app).at("/spec/selector"), labels);
        }
        JsonNode budget = resource("PodDisruptionBudget", "wshub-room");
        assertLabelsMatch(budget.at("/spec/selector/matchLabels"), pod.at("/metadata/labels"));
        assertThat(budget.at("/spec/maxUnavailable").asInt()).isLessThan(deployment.at("/spec/replicas").asInt());
    }

    @Test
    void theImageRunsAsTheUnprivilegedUserThePodRunsAs() {
        assertThat(dockerfile.args("FROM")).as("a build stage and a runtime stage").hasSize(2);
        String[] user = dockerfile.args("USER").get(0).split(":");
        assertThat(Integer.parseInt(user[0])).isPositive();
        assertThat(pod.at("/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/spec/securityContext/runAsUser").asText()).isEqualTo(user[0]);
        assertThat(pod.at("/spec/securityContext/runAsGroup").asText()).isEqualTo(user[1]);
    }

    @Test
    void theDockerfileCopiesTheJarTheBuildMakesAndOnlyKnownSettingsAreSet() throws IOException {
        String pom = Files.readString(ROOT.resolve("hub-examples/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>(.+)</finalName>").matcher(pom);
        assertThat(finalName.find()).isTrue();
        assertThat(dockerfile.args("COPY")).anySatisfy(copy ->
                assertThat(copy).contains("hub-examples/target/" + finalName.group(1) + ".jar"));

        Map<String, String> set = new HashMap<>(dockerfile.env());
        container.path("env").forEach(e -> set.put(e.path("name").asText(), e.path("value").asText()));
        List<String> known = Arrays.stream(Setting.values()).map(s -> s.env).toList();
        assertThat(set.keySet().stream().filter(name -> name.startsWith("WSHUB_"))).isNotEmpty().allSatisfy(name ->
                assertThat(known).as("the settings").contains(name));
    }

    private static void assertLabelsMatch(JsonNode selector, JsonNode labels) {
        assertThat(selector.isObject() && !selector.isEmpty()).as("a selector").isTrue();
        selector.fields().forEachRemaining(e -> assertThat(labels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    }

    private static Duration seconds(JsonNode value) {
        assertThat(value.isInt()).as("a number of seconds, was %s", value).isTrue();
        return Duration.ofSeconds(value.asInt());
    }

    /** The environment the container sets by value (values from Secrets are left out). */
    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(e -> {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            }
        });
        return env;
    }

    private JsonNode resource(String kind, String name) {
        return resources.stream()
                .filter(r -> r.path("kind").asText().equals(kind) && r.at("/metadata/name").asText().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + MANIFESTS));
    }

    private static List<JsonNode> manifests() {
        List<JsonNode> all = new ArrayList<>();
        for (String file : List.of("wshub.yaml", "redis.yaml")) {
            try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(MANIFESTS.resolve(file).toFile())) {
                while (docs.hasNext()) {
                    JsonNode doc = docs.next();
                    assertThat(doc.path("apiVersion").asText()).as("%s: apiVersion", file).isNotEmpty();
                    all.add(doc);
                }
            } catch (IOException e) {
                throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
            }
        }
        return all;
    }

    /** A Dockerfile's instructions, continuation lines joined, comments left out. */
    record Dockerfile(List<String[]> instructions) {

        static Dockerfile read(Path file) {
            try {
                String text = Files.readString(file).replaceAll("\\\\\\n", " ");
                List<String[]> instructions = new ArrayList<>();
                for (String line : text.split("\n")) {
                    String trimmed = line.trim();
                    if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                        instructions.add(trimmed.split("\\s+", 2));
                    }
                }
                return new Dockerfile(instructions);
            } catch (IOException e) {
                throw new AssertionError("cannot read " + file, e);
            }
        }

        /** The arguments of every instruction of this kind, in order. */
        List<String> args(String instruction) {
            return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1].trim()).toList();
        }

        /** The variables its ENV instructions set ({@code NAME=value} pairs). */
        Map<String, String> env() {
            Map<String, String> env = new HashMap<>();
            for (String args : args("ENV")) {
                for (String pair : args.split("\\s+")) {
                    String[] kv = pair.split("=", 2);
                    env.put(kv[0], kv[1]);
                }
            }
            return env;
        }

        private String healthcheck() {
            List<String> checks = args("HEALTHCHECK");
            assertThat(checks).hasSize(1);
            return checks.get(0);
        }

        String healthcheckUrl() {
            Matcher url = Pattern.compile("(http://\\S+)").matcher(healthcheck());
            assertThat(url.find()).as("a URL in the HEALTHCHECK").isTrue();
            return url.group(1);
        }

        /** A duration option of the HEALTHCHECK, such as {@code --interval=10s}. */
        Duration healthcheckOption(String name) {
            Matcher m = Pattern.compile("--" + name + "=(\\S+)").matcher(healthcheck());
            assertThat(m.find()).as("HEALTHCHECK --%s", name).isTrue();
            return Values.duration(m.group(1));
        }

        String healthcheckRetries() {
            Matcher m = Pattern.compile("--retries=(\\d+)").matcher(healthcheck());
            assertThat(m.find()).as("HEALTHCHECK --retries").isTrue();
            return m.group(1);
        }
    }
}
