package dev.switchboard.core.routing.learned;

/**
 * Domain-independent cues about a prompt that hint at how hard it is: its size, how much arithmetic it
 * carries, and its shape (options, questions, lines, word length). Raw values; the model standardises them.
 */
final class PromptCues {
    static final int COUNT = 10;

    private PromptCues() {}

    static float[] of(String prompt) {
        int chars = prompt.length();
        int words = 0;
        int digits = 0;
        int numbers = 0;
        int operators = 0;
        int dollars = 0;
        int questions = 0;
        int lines = 1;
        int letters = 0;
        boolean inWord = false;
        boolean inNumber = false;
        for (int i = 0; i < chars; i++) {
            char c = prompt.charAt(i);
            boolean wordChar = Character.isLetterOrDigit(c);
            if (wordChar && !inWord) words++;
            inWord = wordChar;
            boolean digit = Character.isDigit(c);
            if (digit) digits++;
            if (digit && !inNumber) numbers++;
            inNumber = digit || (inNumber && (c == '.' || c == ',') && i + 1 < chars && Character.isDigit(prompt.charAt(i + 1)));
            if (Character.isLetter(c)) letters++;
            switch (c) {
                case '=', '+', '*', '/', '^', '<', '>', '%', '×', '÷', '√', '∑', '∫' -> operators++;
                case '$' -> dollars++;
                case '?' -> questions++;
                case '\n' -> lines++;
                default -> { }
            }
        }
        boolean options = prompt.contains("\nA.") && prompt.contains("\nB.");
        return new float[] {
            (float) Math.log1p(chars),
            (float) Math.log1p(words),
            chars == 0 ? 0 : (float) digits / chars,
            (float) Math.log1p(numbers),
            (float) Math.log1p(operators),
            (float) Math.log1p(dollars),
            (float) Math.log1p(questions),
            (float) Math.log1p(lines),
            options ? 1 : 0,
            words == 0 ? 0 : (float) letters / words,
        };
    }
}
