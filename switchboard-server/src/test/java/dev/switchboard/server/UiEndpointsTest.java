package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UiEndpointsTest {
    @Test
    void plainRelativeFileNamesAreAccepted() {
        assertThat(UiEndpoints.safe("app.js")).hasValue("app.js");
        assertThat(UiEndpoints.safe("marked/lib/marked.esm.js")).hasValue("marked/lib/marked.esm.js");
        assertThat(UiEndpoints.safe("highlightjs/styles/github-dark.min.css")).isPresent();
    }

    @Test
    void namesThatCouldLeaveTheRootAreRefused() {
        assertThat(UiEndpoints.safe("../pom.xml")).isEmpty();
        assertThat(UiEndpoints.safe("ui/../../secret.js")).isEmpty();
        assertThat(UiEndpoints.safe("/etc/passwd")).isEmpty();
        assertThat(UiEndpoints.safe("a//b.js")).isEmpty();
        assertThat(UiEndpoints.safe("a\\..\\b.js")).isEmpty();
        assertThat(UiEndpoints.safe(".hidden.js")).isEmpty();
        assertThat(UiEndpoints.safe("dir/")).isEmpty();
        assertThat(UiEndpoints.safe("")).isEmpty();
        assertThat(UiEndpoints.safe("a..b.js")).isEmpty();
    }
}
