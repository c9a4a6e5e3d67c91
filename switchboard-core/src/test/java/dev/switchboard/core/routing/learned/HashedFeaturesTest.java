package dev.switchboard.core.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HashedFeaturesTest {
    private static final HashedFeatures WORDS = new HashedFeatures(12, true, true, 0, 0);

    @Test
    void numbersOfTheSameShapeAndCaseAndSpacingDoNotMatter() {
        HashedFeatures.Counts a = WORDS.count("Tom has 12 apples.\n\nHow many?");
        HashedFeatures.Counts b = WORDS.count("tom  has 47 APPLES. how many?");
        assertThat(a.index()).containsExactly(b.index());
        assertThat(a.count()).containsExactly(b.count());
    }

    @Test
    void countsRepeatedTokensAndStaysInsideTheVector() {
        HashedFeatures.Counts c = WORDS.count("the cat and the dog and the bird");
        float total = 0;
        for (float x : c.count()) total += x;
        assertThat(total).isEqualTo(8 + 7); // 8 words and 7 adjacent pairs
        assertThat(c.index()).isSorted();
        assertThat(java.util.Arrays.stream(c.index()).boxed()).allSatisfy(i -> assertThat(i).isBetween(0, WORDS.dimension() - 1));
    }

    @Test
    void characterNgramsCoverEveryWindowIncludingTheWordEdges() {
        HashedFeatures chars = new HashedFeatures(16, false, false, 3, 3);
        float total = 0;
        for (float x : chars.count("abcd").count()) total += x;
        assertThat(total).isEqualTo(4); // " ab", "abc", "bcd", "cd "
    }

    @Test
    void anEmptyPromptHasNoFeatures() {
        assertThat(WORDS.count("").index()).isEmpty();
        assertThat(WORDS.count("   \n ").index()).isEmpty();
    }
}
