package dev.switchboard.embeddings;

import java.util.List;

/**
 * One semantic route: prompts close enough to one of its example utterances go to its target.
 *
 * @param threshold lowest cosine similarity to the nearest utterance that still counts as a match
 * @param target the model group matching prompts go to
 */
public record SemanticRoute(String name, List<String> utterances, double threshold, String target) {
    public SemanticRoute {
        utterances = List.copyOf(utterances);
    }
}
