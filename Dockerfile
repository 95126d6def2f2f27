# vigil as a service: `vigil serve` on 0.0.0.0:8080, the API token read from the Docker secret
# /run/secrets/vigil_token.
#
# The image holds no Maven and no sources: build vigil on the host first, then the image:
#   mvn -B -DskipTests package        (makes pipeline/target/vigil.jar and pipeline/target/lib/)
#   docker build -t vigil .
# docker-compose.yml does the second step itself (see README.md).
#
# BASE is any Debian or Ubuntu image with apt. When it has no `java`, Debian's JRE 17
# (openjdk-17-jre-headless) is installed; a base that brings its own JRE 17 or newer is used as it
# is, e.g. --build-arg BASE=eclipse-temurin:17-jre. The tests pass a locally imported Debian image.
ARG BASE=debian:bookworm-slim
FROM ${BASE}
# Lets .ci/docker-test remove this stack's superseded builds and nothing else.
LABEL io.vigil.image=vigil

# FFmpeg (bundled in lib/ by JavaCV) links against PulseAudio and VA-API; Fashion-MNIST is what the
# retrainer replays so that the model keeps what it knew; busybox is for the health check; the
# dashboard's frames are captioned with a font found through fontconfig.
RUN set -eux; \
    packages="libpulse0 libva2 libva-drm2 dataset-fashion-mnist busybox fontconfig fonts-dejavu-core"; \
    command -v java >/dev/null || packages="$packages openjdk-17-jre-headless"; \
    apt-get update; \
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages; \
    rm -rf /var/lib/apt/lists/*; \
    java -version; \
    useradd --system --uid 10001 --user-group --create-home --home-dir /home/vigil \
      --shell /usr/sbin/nologin vigil; \
    install -d -o vigil -g vigil /var/lib/vigil /var/lib/vigil/registry /var/lib/vigil/out \
      /var/lib/vigil/inbox

# The launcher and the layout it expects: it finds the build in pipeline/target/ and so never
# builds here; models/, samples/ and config/ are resolved from this folder.
WORKDIR /opt/vigil
COPY vigil ./
COPY pipeline/target/vigil.jar pipeline/target/
COPY pipeline/target/lib/ pipeline/target/lib/
COPY models/ models/
COPY config/ config/
COPY samples/ samples/
COPY deploy/vigil/ deploy/vigil/

# Registry, results and inbox live under /var/lib/vigil (volumes in docker-compose.yml).
USER vigil
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=120s --retries=3 \
  CMD busybox wget -q -O /dev/null http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["/opt/vigil/vigil"]
CMD ["serve", "--config", "deploy/vigil/container.conf", "--token-file", "/run/secrets/vigil_token"]
