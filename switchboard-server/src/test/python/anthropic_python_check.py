"""Drives a running gateway's Messages API with the official Anthropic Python SDK, unmodified, and prints what it
got as one JSON object for AnthropicPythonSdkIT to check. Base URL and key come from ANTHROPIC_BASE_URL /
ANTHROPIC_API_KEY, as the SDK reads them; CHECK_MODELS names the models to run every check on."""
import json
import os

import anthropic

client = anthropic.Anthropic(max_retries=0, timeout=20)
weather = {"name": "get_weather", "description": "The weather in a city.", "input_schema": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}


def text(message):
    return "".join(block.text for block in message.content if block.type == "text")


def check(model):
    out = {}
    raw = client.messages.with_raw_response.create(model=model, max_tokens=200, system="Be brief.",
                                                   messages=[{"role": "user", "content": "hello from python"}])
    message = raw.parse()
    out["create"] = {"text": text(message), "stop": message.stop_reason, "id": message.id,
                     "inputTokens": message.usage.input_tokens, "outputTokens": message.usage.output_tokens,
                     "requestId": raw.headers.get("request-id")}

    # The SDK's stream helper: text deltas as they come, then the accumulated message.
    with client.messages.stream(model=model, max_tokens=200,
                                messages=[{"role": "user", "content": "stream from python"}]) as stream:
        deltas = "".join(stream.text_stream)
        final = stream.get_final_message()
    out["stream"] = {"deltas": deltas, "final": text(final), "stop": final.stop_reason,
                     "outputTokens": final.usage.output_tokens}

    question = [{"role": "user", "content": "Rome"}]
    call = client.messages.create(model=model, max_tokens=200, messages=question, tools=[weather],
                                  tool_choice={"type": "tool", "name": "get_weather"})
    uses = [block for block in call.content if block.type == "tool_use"]
    out["tool"] = {"stop": call.stop_reason, "uses": [{"name": u.name, "id": u.id, "input": u.input} for u in uses]}
    answer = client.messages.create(model=model, max_tokens=200, tools=[weather], messages=question + [
        {"role": "assistant", "content": call.content},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": uses[0].id, "content": "18C and sunny"}]}])
    out["toolResult"] = {"text": text(answer), "stop": answer.stop_reason}

    out["countTokens"] = client.messages.count_tokens(
        model=model, messages=[{"role": "user", "content": "hi, please explain how tides work"}]).input_tokens
    return out


result = {"sdkVersion": anthropic.__version__,
          "checks": {model: check(model) for model in os.environ["CHECK_MODELS"].split(",")},
          "models": [m.id for m in client.models.list()]}
try:
    client.messages.create(model="ghost", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    result["notFound"] = None
except anthropic.APIStatusError as e:
    result["notFound"] = {"notFoundError": isinstance(e, anthropic.NotFoundError), "status": e.status_code,
                          "message": str(e)}

print(json.dumps(result))
