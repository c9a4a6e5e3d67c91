package dev.switchboard.core.routing;

/** A router that can rate a prompt on its own: higher means the prompt needs the strong model more. */
@FunctionalInterface
public interface PromptScorer {
    double score(String prompt);
}
