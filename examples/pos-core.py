#!/usr/bin/env python3
"""A POS core on the kiosk's bridge, in Python 3 with its standard library only.

Run it against a running kiosk service (browser mode prints its port and token):

    npm run web                      # or the Electron app with a [bridge] section
    python3 examples/pos-core.py --url ws://127.0.0.1:PORT/bridge --token TOKEN

What it does, as a till would:
  1. hello with the token, open a receipt (its own client id),
  2. pay part of it by card with an idempotency key,
  3. lose the connection on purpose right after sending payment.start (the answer is never read),
  4. reconnect and send the same payment.start with the same key: the service answers with the
     payment the first call made (or starts it, if the first call never arrived) -- never a second one,
  5. wait for the outcome (polling receipt.get), send the same call once more, and print the
     amount paid, the part's state and the paymentId the calls got.

Exit status 0 when both answered calls got the same paymentId and the receipt holds exactly one
payment part with it; 1 otherwise. The last line of output is `RESULT {json}` for scripts.

The frames (JSON text frames on ws://127.0.0.1:<port>/bridge):
  -> {"type":"hello","token":T}                      <- {"type":"ready"}
  -> {"type":"invoke","id":N,"method":M,"input":{}}  <- {"type":"result","id":N,"result":{"ok":true,"value":...}}
                                                        or {"ok":false,"error":{"code","message","data"}}
  <- {"type":"event","name":"payment"|"receipt"|"pinpad"|"late-payment","payload":{...}}  (any time)
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import struct
import sys
import time
import urllib.parse
import uuid

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
UNSETTLED = {"INTENT", "SENT"}


class BridgeClosed(Exception):
    """The connection ended (a close frame, or the socket went away)."""


class CallFailed(Exception):
    """The service answered with a typed error."""

    def __init__(self, error):
        super().__init__("%s: %s" % (error.get("code"), error.get("message")))
        self.error = error


class WebSocket:
    """A minimal RFC 6455 client: one text message at a time, masked frames out, pings answered."""

    def __init__(self, url, timeout=10.0):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "ws":
            raise ValueError("only ws:// URLs (the bridge listens on loopback)")
        host = parts.hostname or "127.0.0.1"
        port = parts.port or 80
        path = parts.path or "/"
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""
        key = base64.b64encode(os.urandom(16)).decode("ascii")
        request = (
            "GET %s HTTP/1.1\r\n"
            "Host: %s:%d\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Key: %s\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n" % (path, host, port, key)
        )
        self.sock.sendall(request.encode("ascii"))
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        if len(lines[0].split()) < 2 or lines[0].split()[1] != "101":
            raise BridgeClosed("the bridge refused the upgrade: %s" % lines[0])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1((key + WS_GUID).encode("ascii")).digest()).decode("ascii")
        if headers.get("sec-websocket-accept") != expected:
            raise BridgeClosed("wrong Sec-WebSocket-Accept")

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise BridgeClosed("the connection was closed")
        self.buffer += chunk

    def _take(self, n):
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def _send_frame(self, opcode, payload):
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text):
        self._send_frame(0x1, text.encode("utf-8"))

    def recv_text(self):
        message = b""
        while True:
            first, second = self._take(2)
            opcode = first & 0x0F
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", self._take(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", self._take(8))
            mask = self._take(4) if second & 0x80 else None
            payload = self._take(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                raise BridgeClosed("closed by the bridge: %d %s" % (code, payload[2:].decode("utf-8", "replace")))
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:
                continue
            message += payload
            if first & 0x80:
                return message.decode("utf-8")

    def close(self):
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


class Bridge:
    """The kiosk's contract over the WebSocket: hello, then invoke calls; events are kept aside."""

    def __init__(self, url, token):
        self.ws = WebSocket(url)
        self.next_id = 1
        self.events = []
        self.ws.send_text(json.dumps({"type": "hello", "token": token}))
        reply = json.loads(self.ws.recv_text())
        if reply.get("type") != "ready":
            raise BridgeClosed("no ready after hello: %r" % reply)

    def send(self, method, params):
        call_id = self.next_id
        self.next_id += 1
        self.ws.send_text(json.dumps({"type": "invoke", "id": call_id, "method": method, "input": params}))
        return call_id

    def answer(self, call_id):
        while True:
            message = json.loads(self.ws.recv_text())
            if message.get("type") == "event":
                self.events.append(message)
            elif message.get("type") == "error":
                raise CallFailed({"code": message.get("code"), "message": message.get("message")})
            elif message.get("type") == "result" and message.get("id") == call_id:
                result = message["result"]
                if result.get("ok"):
                    return result["value"]
                raise CallFailed(result["error"])

    def call(self, method, params):
        return self.answer(self.send(method, params))

    def close(self):
        self.ws.close()


def main(argv):
    parser = argparse.ArgumentParser(description="A POS core that retries payment.start safely with an idempotency key.")
    parser.add_argument("--url", required=True, help="ws://127.0.0.1:PORT/bridge")
    parser.add_argument("--token", required=True, help="the bridge token")
    parser.add_argument("--total", type=int, default=30000, help="receipt total, kopecks (default 30000)")
    parser.add_argument("--amount", type=int, default=10000, help="card part, kopecks (default 10000)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the outcome")
    args = parser.parse_args(argv)

    receipt_id = "pos-" + uuid.uuid4().hex[:16]
    key = "pos-core:" + uuid.uuid4().hex
    lines = [{"name": "Goods", "quantity": 1, "amount": args.total}]

    bridge = Bridge(args.url, args.token)
    receipt = bridge.call("receipt.open", {"id": receipt_id, "lines": lines, "total": args.total})
    print("receipt %s opened: %d kopecks" % (receipt["id"], receipt["total"]))
    pay = {"receiptId": receipt_id, "method": "card", "amount": args.amount, "idempotencyKey": key}

    # The connection is lost right after the request went out: its answer is never read.
    bridge.send("payment.start", pay)
    bridge.close()
    print("payment.start sent with key %s; connection dropped before the answer" % key)

    bridge = Bridge(args.url, args.token)
    first = bridge.call("payment.start", pay)["paymentId"]
    print("retry with the same key: paymentId %s" % first)

    deadline = time.monotonic() + args.timeout
    while True:
        receipt = bridge.call("receipt.get", {"receiptId": receipt_id})
        part = next((p for p in receipt["parts"] if p["id"] == first), None)
        if part is not None and part["state"] not in UNSETTLED:
            break
        if time.monotonic() > deadline:
            print("no outcome within %.0f s" % args.timeout, file=sys.stderr)
            return 1
        time.sleep(0.2)

    second = bridge.call("payment.start", pay)["paymentId"]
    print("retry after the outcome: paymentId %s" % second)
    payments = [p for p in receipt["parts"] if p["kind"] == "payment"]
    bridge.close()

    outcome = {
        "receiptId": receipt_id,
        "paymentIds": [first, second],
        "state": part["state"],
        "paid": receipt["paid"],
        "remaining": receipt["remaining"],
        "paymentParts": len(payments),
    }
    print("part %s: %s; paid %d of %d kopecks, %d still due" % (first, part["state"], receipt["paid"], receipt["total"], receipt["remaining"]))
    print("RESULT " + json.dumps(outcome))
    return 0 if first == second and len(payments) == 1 and payments[0]["id"] == first else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (BridgeClosed, CallFailed, OSError) as error:
        print("pos-core: %s" % error, file=sys.stderr)
        sys.exit(1)
