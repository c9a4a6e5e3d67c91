# The gateway's default JVM flags, sized for a small footprint: used by ./switchboard and by bench/overhead.sh's stack
# floor, so the two JVMs it compares run alike. SWITCHBOARD_JAVA_OPTS, when set, replaces them in both.
# glibc gives each busy thread its own malloc arena; two keep native memory (SQLite, TLS) from multiplying.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# A fixed 32 MB young generation: the collector otherwise sizes it at a third of the heap, and every page of eden is
# touched on each cycle, so it stays resident (~40 MB less peak RSS in bench/overhead.sh's phases, same CPU per call;
# over minutes of connection churn the old generation fills and RSS nears the heap's bound either way).
: "${SWITCHBOARD_JAVA_OPTS:=-XX:+UseSerialGC -Xms64m -Xmx128m -Xmn32m -XX:MaxDirectMemorySize=64m -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=48m -Xss512k -XX:TrimNativeHeapInterval=2000 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED}"
