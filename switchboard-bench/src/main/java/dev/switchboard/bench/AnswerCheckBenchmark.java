package dev.switchboard.bench;

import dev.switchboard.core.cascade.AnswerCheck;
import dev.switchboard.core.config.CascadeSettings;
import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ChatResponse;
import dev.switchboard.core.model.Choice;
import dev.switchboard.core.model.FinishReason;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.ResponseFormat;
import dev.switchboard.core.model.Usage;
import dev.switchboard.core.wire.Json;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The cascade's post-generation check on one answer: prose (every text check runs) and JSON Schema output. */
@State(Scope.Benchmark)
public class AnswerCheckBenchmark extends GatewayJvmBenchmark {
    @Param({"prose", "json-schema"})
    public String answer;

    private final AnswerCheck check = new AnswerCheck(CascadeSettings.Checks.ALL);
    private ChatRequest request;
    private ChatResponse response;

    @Setup
    public void setup() {
        ChatRequest.Builder b = ChatRequest.builder("cascade");
        String text;
        if (answer.equals("prose")) {
            b.message(Message.user("Explain how a hash map handles collisions."));
            text = ("A hash map stores entries in buckets chosen by the key's hash. When two keys land in the same bucket, "
                    + "it chains them in a list or probes for the next free slot; lookups compare keys within the bucket. ")
                    .repeat(8);
        } else {
            b.message(Message.user("Describe this order as JSON.")).responseFormat(new ResponseFormat.JsonSchema("order",
                    Json.parseBody("""
                            {"type":"object","required":["id","items","total"],"additionalProperties":false,
                             "properties":{"id":{"type":"string"},"total":{"type":"number","minimum":0},
                               "items":{"type":"array","items":{"type":"object","required":["sku","qty"],
                                 "properties":{"sku":{"type":"string"},"qty":{"type":"integer","minimum":1}}}}}}""".getBytes()),
                    Optional.of(true), Optional.empty()));
            text = "{\"id\":\"o-17\",\"total\":42.5,\"items\":[{\"sku\":\"abc\",\"qty\":2},{\"sku\":\"def\",\"qty\":1}]}";
        }
        request = b.build();
        response = new ChatResponse("c", 1, "m", List.of(new Choice(0, Message.assistant(text), Optional.of(FinishReason.STOP),
                Optional.empty())), Optional.of(Usage.of(20, 200)), Optional.empty(), Optional.empty());
    }

    @Benchmark
    public AnswerCheck.Verdict check() {
        return check.check(request, response);
    }
}
