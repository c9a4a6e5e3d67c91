package dev.switchboard.core.routing;

/** A coarse size for a task, from its complexity score; the boundaries are configurable. */
public enum ComplexityTier { LOW, MEDIUM, HIGH }
