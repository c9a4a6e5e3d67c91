package dev.switchboard.testkit;

import dev.switchboard.core.TokenCounter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The text a fake upstream generates, ended the way a real model ends it: cut before the first stop
 * sequence it contains, or after as many whole words as fit in {@code max_tokens}.
 *
 * @param stopSequence the stop sequence that ended the text, if one did
 * @param cutByLimit whether {@code max_tokens} ended the text
 */
record EchoAnswer(String text, Optional<String> stopSequence, boolean cutByLimit) {

    static EchoAnswer of(String full, List<String> stops, OptionalInt maxTokens, TokenCounter tokens) {
        int cut = -1;
        String matched = null;
        for (String stop : stops) {
            int at = stop.isEmpty() ? -1 : full.indexOf(stop);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
                matched = stop;
            }
        }
        String text = cut >= 0 ? full.substring(0, cut) : full;
        if (maxTokens.isPresent() && tokens.count(text) > maxTokens.getAsInt()) {
            StringBuilder kept = new StringBuilder();
            for (String piece : pieces(text)) {
                if (tokens.count(kept + piece) > maxTokens.getAsInt()) break;
                kept.append(piece);
            }
            return new EchoAnswer(kept.toString(), Optional.empty(), true);
        }
        return new EchoAnswer(text, Optional.ofNullable(matched), false);
    }

    /** Word-sized stream pieces, each keeping its following space, so joined they give the text back. */
    static List<String> pieces(String text) {
        List<String> out = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ') {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length() || out.isEmpty()) out.add(text.substring(start));
        return out;
    }
}
