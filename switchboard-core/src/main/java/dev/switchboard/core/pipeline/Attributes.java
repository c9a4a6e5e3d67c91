package dev.switchboard.core.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Exchange attributes shared between stages and the ingress. */
public final class Attributes {
    private Attributes() {}

    /** The plan the route stage chose, kept so outer stages (decomposition, ledger) can explain it. */
    public static final AttributeKey<RoutePlan> ROUTE_PLAN = AttributeKey.of("route-plan", RoutePlan.class);

    /**
     * Gateway-specific fields for the response body (routed responses only), written by the OpenAI ingress
     * as a {@code switchboard} field; plain model calls never get one, so they keep OpenAI's exact shape.
     */
    public static final AttributeKey<ObjectNode> RESPONSE_EXTENSION = AttributeKey.of("response-extension", ObjectNode.class);
}
