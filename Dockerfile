# The room server of hub-examples as a container image (docs/deployment.md).
#   docker build -t wshub-room .
#   docker run --rm -p 8080:8080 -e WSHUB_REDIS=redis://redis:6379 wshub-room
# Every setting is a WSHUB_* variable (docs/configuration.md); the arguments after the image name
# replace CMD: "echo", "broadcast", or "room --help".

# --- 1: the Maven build (the tests run in CI, not here) ---
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests package -pl hub-examples -am

# --- 2: the runtime: a JRE, the one executable jar, a user without privileges ---
FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK below; nothing else is added to the JRE image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 wshub \
    && useradd --system --uid 10001 --gid wshub --home-dir /opt/wshub --shell /usr/sbin/nologin wshub
COPY --from=build /src/hub-examples/target/wshub-examples.jar /opt/wshub/wshub-examples.jar
COPY LICENSE /opt/wshub/LICENSE
WORKDIR /opt/wshub
USER 10001:10001

# The server's default port (docs/configuration.md: port), metrics on it too (/metrics).
ENV WSHUB_PORT=8080 \
    WSHUB_LOG_FORMAT=json
EXPOSE 8080

# SIGTERM starts the graceful shutdown: the shutdown notice, close 1001, the queues drained within
# shutdownGrace (10 s), then the exit. Give the container longer than that to stop (docker stop -t 20).
STOPSIGNAL SIGTERM
# Liveness only: /health/ready turns 503 during a Redis outage, which is no reason to restart.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/live || exit 1

# The heap follows the container's memory limit; more JVM flags go in JAVA_TOOL_OPTIONS.
# The parallel collector with a small young generation: no concurrent card refinement per
# delivery and a resident set that stays near the live heap (docs/performance.md, "The JVM").
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseParallelGC", "-Xmn64m", "-XX:+ExitOnOutOfMemoryError", "-jar", "/opt/wshub/wshub-examples.jar"]
CMD ["room"]
