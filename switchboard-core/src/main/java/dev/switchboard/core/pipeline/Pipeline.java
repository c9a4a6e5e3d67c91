package dev.switchboard.core.pipeline;

import java.util.List;

/** An ordered list of stages; running it passes the exchange down the list. */
public final class Pipeline {
    private final Stage[] stages;

    public Pipeline(List<Stage> stages) {
        if (stages.isEmpty()) throw new IllegalArgumentException("a pipeline needs a terminal stage");
        this.stages = stages.toArray(Stage[]::new);
    }

    public Reply run(Exchange exchange) {
        return new Link(0).proceed(exchange);
    }

    /** Names of the stages in order, for the start-up banner and tests. */
    public List<String> stageNames() {
        return java.util.Arrays.stream(stages).map(s -> s.getClass().getSimpleName()).toList();
    }

    private final class Link implements Chain {
        private final int index;

        Link(int index) {
            this.index = index;
        }

        @Override
        public Reply proceed(Exchange exchange) {
            if (index >= stages.length) {
                throw new IllegalStateException("the last stage must answer; it called proceed");
            }
            return stages[index].apply(exchange, new Link(index + 1));
        }
    }
}
