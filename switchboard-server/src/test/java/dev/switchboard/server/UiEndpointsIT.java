package dev.switchboard.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Static serving of the chat UI and its WebJars over a real socket. */
class UiEndpointsIT {
    static GatewayFixture gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayFixture.start("""
                model_list:
                  - model_name: m
                    litellm_params: {model: openai/gpt-4o-mini, api_key: sk-x, api_base: "http://127.0.0.1:9"}
                """);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void rootServesTheIndexPageAsHtmlThatBrowsersRevalidate() throws Exception {
        HttpResponse<String> res = gateway.get("/");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(res.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(res.body()).contains("<script type=\"module\" src=\"/ui/app.js\">");
        assertThat(res.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'", "connect-src 'self'", "img-src 'self' data:"));
    }

    @Test
    void uiAssetsCarryTheirContentType() throws Exception {
        assertThat(gateway.get("/ui/app.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(gateway.get("/ui/app.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
    }

    @Test
    void webJarsAreServedWithoutTheirVersionInThePath() throws Exception {
        HttpResponse<String> marked = gateway.get("/webjars/marked/lib/marked.esm.js");
        assertThat(marked.statusCode()).isEqualTo(200);
        assertThat(marked.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(marked.headers().firstValue("cache-control")).hasValue("public, max-age=86400");
        assertThat(marked.body()).contains("export{");
        assertThat(gateway.get("/webjars/dompurify/dist/purify.min.js").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/webjars/highlightjs/highlight.min.js").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/webjars/highlightjs/styles/github-dark.min.css").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnchangedAssetIsAnsweredWithNotModified() throws Exception {
        String etag = gateway.get("/ui/app.js").headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = gateway.get("/ui/app.js", "if-none-match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
    }

    @Test
    void unknownFilesAndEscapesFromTheRootAreNotFound() throws Exception {
        assertThat(gateway.get("/ui/missing.js").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/ui/%2e%2e/dev/switchboard/server/UiEndpoints.class").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/ui/..%2F..%2Fpom.xml").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/webjars/marked/../../../../../../dev/switchboard/server/Cli.class").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/webjars/marked/package.json").statusCode()).isEqualTo(200);
        assertThat(gateway.get("/webjars/nosuchjar/x.js").statusCode()).isEqualTo(404);
        assertThat(gateway.get("/ui/").statusCode()).isEqualTo(404);
    }
}
