package dev.switchboard.core.pipeline;

/** Who is calling, once authenticated. */
public record Principal(String id, String kind) {
    public static final Principal ANONYMOUS = new Principal("anonymous", "anonymous");
    public static final Principal MASTER = new Principal("master", "master-key");
    public static final Principal IN_PROCESS = new Principal("in-process", "sdk");
}
