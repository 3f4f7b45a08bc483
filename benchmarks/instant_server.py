#!/usr/bin/env python3
"""An instant-answer OpenAI-compatible stand-in for the scale suite's coordinator run (stdlib only).

Listens on 127.0.0.1 (port 0 = any free port), prints the chosen port on stdout, and exits when
stdin closes, so it never outlives the bench that started it.

Every POST gets the same chat completion ({"answer": "ok"}, usage 11 / 7 tokens); GET .../v1/models
lists "fault-model" and any other GET answers {"status": "ok"} (so /health works). HTTP/1.1
keep-alive is honoured, so a client that reuses connections pays for no handshakes.

Why not the fault server of the tests: Python's threading HTTP server spends a thread and the
interpreter lock on each request and parses headers with the email package; at a few thousand
calls/s it, not the coordinator under test, was the limit. This one is a single asyncio protocol
that answers from a prebuilt response, a few tens of microseconds per request.
"""
import asyncio
import json
import os
import sys
import threading

USAGE_IN, USAGE_OUT = 11, 7


def response(body, close=False):
    data = json.dumps(body).encode()
    head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            f"Connection: {'close' if close else 'keep-alive'}\r\n\r\n")
    return head.encode() + data


COMPLETION = {"id": "chatcmpl-instant", "object": "chat.completion", "model": "fault-model",
              "choices": [{"index": 0, "finish_reason": "stop",
                           "message": {"role": "assistant", "content": '{"answer": "ok"}'}}],
              "usage": {"prompt_tokens": USAGE_IN, "completion_tokens": USAGE_OUT,
                        "total_tokens": USAGE_IN + USAGE_OUT}}
MODELS = {"object": "list", "data": [{"id": "fault-model", "object": "model"}]}
STATUS = {"status": "ok"}
# Prebuilt per (body, close): the hot path only slices bytes and writes.
ANSWERS = {(name, close): response(body, close)
           for name, body in (("completion", COMPLETION), ("models", MODELS), ("status", STATUS))
           for close in (False, True)}


class Connection(asyncio.Protocol):
    """One client connection: requests are parsed from a byte buffer and answered in order."""

    def connection_made(self, transport):
        self.transport = transport
        self.buffer = b""

    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            lines = head.split("\r\n")
            length, close = 0, lines[0].endswith("HTTP/1.0")
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value.strip())
                elif name == "connection":
                    close = value.strip().lower() == "close"
            if len(self.buffer) < end + 4 + length:
                return  # the body is still on its way
            self.buffer = self.buffer[end + 4 + length:]
            parts = lines[0].split(" ")
            method, path = parts[0], parts[1] if len(parts) > 1 else "/"
            if method == "POST":
                which = "completion"
            else:
                which = "models" if path.endswith("/v1/models") else "status"
            self.transport.write(ANSWERS[(which, close)])
            if close:
                self.transport.close()
                return


async def serve(port):
    loop = asyncio.get_running_loop()
    # A deep backlog: 64 clients connecting at once must not see dropped SYNs (a second each).
    server = await loop.create_server(Connection, "127.0.0.1", port, backlog=1024)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0

    def wait_for_stdin():
        sys.stdin.read()  # returns when the parent closes our stdin or dies
        os._exit(0)

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    asyncio.run(serve(port))


if __name__ == "__main__":
    main()
