package dev.switchboard.core.model;

/** What a client can ask the engine for. */
public sealed interface GatewayRequest permits ChatRequest, EmbeddingRequest {
    /** The model (or model group, or router alias) the client named. */
    String model();
}
