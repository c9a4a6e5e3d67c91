package dev.switchboard.core.stages;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ChatRequest;
import dev.switchboard.core.model.ContentPart;
import dev.switchboard.core.model.Message;
import dev.switchboard.core.model.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DecomposeStageTest {
    @Test
    void everyPartGetsTheLastUserTurnsImagesWithItsOwnText() {
        ContentPart.Image image = new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.of("low"));
        ChatRequest request = ChatRequest.builder("switchboard/auto")
                .message(Message.system("Be brief."))
                .message(new Message(Role.USER, List.of(new ContentPart.Text("Describe this chart"), image,
                        new ContentPart.Text("and write a caption for it")), false, Optional.empty(), List.of(),
                        Optional.empty(), Optional.empty(), Optional.empty()))
                .build();

        ChatRequest part = DecomposeStage.partRequest(request, "Describe this chart", 2);

        assertThat(part.messages()).hasSize(2);
        assertThat(part.messages().getFirst().text()).isEqualTo("Be brief.");
        assertThat(part.messages().get(1).content()).containsExactly(new ContentPart.Text("Describe this chart"), image);
        assertThat(part.lastUserText()).isEqualTo("Describe this chart");
    }

    @Test
    void aTextOnlyTurnStaysAPlainStringMessage() {
        ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.user("a and b")).build();

        assertThat(DecomposeStage.partRequest(request, "a", 2).messages()).containsExactly(Message.user("a"));
    }

    @Test
    void thePartsShareTheClientsOutputLimitSoTheMergedAnswerStaysWithinIt() {
        ChatRequest request = ChatRequest.builder("switchboard/auto").message(Message.user("a and b and c")).maxTokens(100).build();

        assertThat(DecomposeStage.partRequest(request, "a", 3).maxTokens()).hasValue(33);
        assertThat(DecomposeStage.partRequest(request, "a", 1).maxTokens()).hasValue(100);
        ChatRequest tiny = ChatRequest.builder("switchboard/auto").message(Message.user("a and b")).maxTokens(1).build();
        assertThat(DecomposeStage.partRequest(tiny, "a", 2).maxTokens()).hasValue(1);
        assertThat(DecomposeStage.partRequest(ChatRequest.builder("switchboard/auto").message(Message.user("x")).build(), "x", 2)
                .maxTokens()).isEmpty();
    }
}
