FROM moby/buildkit:buildx-stable-1
COPY plugins/ /opt/cni/bin/
COPY cni.json /etc/buildkit/cni.json
LABEL org.opencontainers.image.base.name="moby/buildkit:buildx-stable-1" \
      io.github.buildkit-builder-action.cni-plugins="v1.9.1"
