#!/usr/bin/env python3
"""A misbehaving OpenAI/Anthropic stand-in for TandemCloud's fault tests (stdlib only).

Listens on 127.0.0.1 (port 0 = any free port), prints the chosen port on stdout, and exits
when stdin closes, so it never outlives the test that started it.

The first path segment picks the behaviour; the rest is free, so a test makes its own counter
by adding a unique token: POST /429-then-ok/<token>/v1/chat/completions. Requests are counted
per full path; GET /__count/<path> returns that count, and GET /__connections the number of TCP
connections accepted so far (keep-alive tests). A path ending in /v1/messages gets
Anthropic-shaped answers, anything else OpenAI-shaped ones; GET .../v1/models lists "fault-model". Good answers are
{"answer": "ok"} with usage 11 input / 7 output tokens.
"""
import email.utils
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COUNTS = {}
CONNECTIONS = [0]
LOCK = threading.Lock()
USAGE_IN, USAGE_OUT = 11, 7


def openai_body(content):
    return {"id": "chatcmpl-fault", "object": "chat.completion", "model": "fault-model",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": USAGE_IN, "completion_tokens": USAGE_OUT,
                      "total_tokens": USAGE_IN + USAGE_OUT}}


def anthropic_body(tool, tool_input=None, text=None):
    content = []
    if text is not None:
        content.append({"type": "text", "text": text})
    if tool_input is not None:
        content.append({"type": "tool_use", "id": "toolu_fault", "name": tool, "input": tool_input})
    return {"id": "msg_fault", "type": "message", "role": "assistant", "model": "fault-model",
            "content": content, "stop_reason": "tool_use" if tool_input is not None else "end_turn",
            "usage": {"input_tokens": USAGE_IN, "output_tokens": USAGE_OUT}}


def openai_stream(content):
    chunks = [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}]
    for i in range(0, len(content), 5):
        chunks.append({"choices": [{"index": 0, "delta": {"content": content[i:i + 5]}}]})
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    chunks.append({"choices": [], "model": "fault-model",
                   "usage": {"prompt_tokens": USAGE_IN, "completion_tokens": USAGE_OUT}})
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"


def anthropic_stream(tool, input_text):
    events = [("message_start", {"type": "message_start", "message": {
                  "model": "fault-model", "content": [], "usage": {"input_tokens": USAGE_IN, "output_tokens": 0}}}),
              ("content_block_start", {"type": "content_block_start", "index": 0,
                                       "content_block": {"type": "tool_use", "id": "toolu_fault", "name": tool, "input": {}}})]
    for i in range(0, len(input_text), 4):
        events.append(("content_block_delta", {"type": "content_block_delta", "index": 0,
                                               "delta": {"type": "input_json_delta", "partial_json": input_text[i:i + 4]}}))
    events += [("ping", {"type": "ping"}),
               ("content_block_stop", {"type": "content_block_stop", "index": 0}),
               ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "tool_use"},
                                  "usage": {"output_tokens": USAGE_OUT}}),
               ("message_stop", {"type": "message_stop"})]
    return "".join(f"event: {name}\r\ndata: {json.dumps(data)}\r\n\r\n" for name, data in events)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: on a kept-alive connection Nagle's algorithm holds
    # the body until the client's delayed ACK of the headers, 40 ms per request.
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet: the test reads stdout for the port only
        pass

    def setup(self):  # once per accepted connection; its requests follow on the same handler
        super().setup()
        with LOCK:
            CONNECTIONS[0] += 1

    def send(self, status, body, headers=(), content_type="application/json"):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/__connections":
            with LOCK:
                self.send(200, {"count": CONNECTIONS[0]})
        elif self.path.startswith("/__count/"):
            with LOCK:
                self.send(200, {"count": COUNTS.get(self.path[len("/__count"):], 0)})
        elif self.path.endswith("/v1/models"):
            self.send(200, {"object": "list", "data": [{"id": "fault-model", "object": "model"}]})
        else:
            self.send(200, {"status": "ok"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        with LOCK:
            COUNTS[self.path] = COUNTS.get(self.path, 0) + 1
            count = COUNTS[self.path]
        scenario = self.path.strip("/").split("/")[0]
        anthropic = self.path.endswith("/v1/messages")
        tool = (request.get("tools") or [{}])[0].get("name", "answer")
        streaming = bool(request.get("stream"))

        def good(answer_json='{"answer": "ok"}'):
            if streaming:
                text = anthropic_stream(tool, answer_json) if anthropic else openai_stream(answer_json)
                return self.send(200, text, content_type="text/event-stream")
            if anthropic:
                return self.send(200, anthropic_body(tool, json.loads(answer_json)))
            return self.send(200, openai_body(answer_json))

        def echoed_headers():
            return "request headers were: " + "; ".join(f"{k}: {v}" for k, v in self.headers.items())

        if scenario == "ok":
            return good()
        if scenario == "ok-then-hangup":
            # What a server's keep-alive timeout does: the connection closes with no
            # "Connection: close" said first, so the client only finds out on its next request.
            good()
            self.close_connection = True
            return
        if scenario == "429-then-ok":
            return self.send(429, {"error": {"message": "slow down"}}, [("Retry-After", "1")]) if count == 1 else good()
        if scenario == "429-date-then-ok":
            when = email.utils.formatdate(time.time() + 2, usegmt=True)
            return self.send(429, {"error": {"message": "slow down"}}, [("Retry-After", when)]) if count == 1 else good()
        if scenario == "429-long":
            return self.send(429, {"error": {"message": "come back in an hour"}}, [("Retry-After", "3600")])
        if scenario == "500-always":
            return self.send(500, {"error": {"message": "internal error"}})
        if scenario == "503-then-ok":
            return self.send(503, {"error": {"message": "overloaded"}}) if count == 1 else good()
        if scenario == "400":
            return self.send(400, {"error": {"message": "invalid schema: 'type' is required"}})
        if scenario in ("slow", "slow-then-ok"):
            if scenario == "slow" or count == 1:
                threading.Event().wait()  # never answers: only the client's timeout or cancel ends the request
            return good()
        if scenario in ("truncated", "truncated-then-ok"):
            if scenario == "truncated" or count == 1:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "500")
                self.end_headers()
                self.wfile.write(b'{"choices": [{"message": ')
                self.wfile.flush()
                self.close_connection = True
                return
            return good()
        if scenario == "invalid-json":
            return self.send(200, "<html>this is not JSON {", content_type="text/html")
        if scenario == "invalid-content":
            if anthropic:
                return self.send(200, anthropic_body(tool, text="Sure! Here is your plan: step one..."))
            return self.send(200, openai_body("Sure! Here is your plan: step one..."))
        if scenario in ("wrong-schema", "wrong-schema-then-ok"):
            if scenario == "wrong-schema" or count == 1:
                return good('{"answer": 42, "extra": true}')
            return good()
        if scenario == "echo-auth":
            return self.send(401, {"error": {"message": echoed_headers()}})
        if scenario == "echo-auth-500":
            return self.send(500, {"error": {"message": echoed_headers()}})
        if scenario == "echo-auth-200":
            return self.send(200, anthropic_body(tool, text=echoed_headers()) if anthropic else openai_body(echoed_headers()))
        if scenario == "redirect":
            return self.send(302, "", [("Location", "http://api.example.invalid/v1/chat/completions")])
        return self.send(404, {"error": {"message": f"unknown scenario {scenario}"}})


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    # A listen backlog of 5 (the default) drops connections when many clients arrive at once,
    # and each dropped SYN costs the client a second or more before it tries again.
    ThreadingHTTPServer.request_queue_size = 1024
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # returns when the parent closes our stdin or dies
    os._exit(0)


if __name__ == "__main__":
    main()
