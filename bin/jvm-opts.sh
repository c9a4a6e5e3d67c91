# The gateway's default JVM flags, sized for a small footprint: used by ./switchboard and by bench/overhead.sh's stack
# floor, so the two JVMs it compares run alike. SWITCHBOARD_JAVA_OPTS, when set, replaces them in both.
# glibc gives each busy thread its own malloc arena; two keep native memory (SQLite, TLS) from multiplying.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
: "${SWITCHBOARD_JAVA_OPTS:=-XX:+UseSerialGC -Xms64m -Xmx160m -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -Xss512k -XX:TrimNativeHeapInterval=2000 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED}"
