#!/usr/bin/env python3
"""Loopback HTTP(S) server for the HTTPSClient tests; standard library only.

Listens on --host/--port (port 0 picks a free one) and prints the port on stdout once it
listens. With --cert/--key it speaks TLS; with --client-ca it also demands a client
certificate signed by that CA (CERT_REQUIRED). With --proxy it is an HTTP proxy instead
(CONNECT tunnels and absolute-form requests, loopback targets only).

Every accepted TCP connection and every request (with its Authorization header) is appended
as one JSON line to --log, which the tests read. Behaviours are chosen by path:

  /ok            200 with a JSON receipt            /echo        200, the request's headers
  /redirect      ?status=302&to=URL                 /chunked     chunked body with an extension and a trailer
  /trickle       Content-Length 100, 1 byte/s       /trickle-head  the header 1 byte per 0.5 s
  /big           ?size=N&mode=length|chunked|close  /empty202    202 with an empty body
  /nocontent     204                                /close       200 with Connection: close
  /closedelim    body delimited by closing          /dropnext    200, then the next request on the
  /drop          closes without answering                        same connection is dropped unanswered
  /malformed     ?kind=status|length|chunk|truncated|fold
"""

import argparse
import http.client
import json
import selectors
import socket
import socketserver
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit


class Log:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    def write(self, **record):
        if not self.path:
            return
        with self.lock, open(self.path, "a") as out:
            out.write(json.dumps(record) + "\n")
            out.flush()


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, options, context, log):
        self.address_family = socket.AF_INET6 if ":" in options.host else socket.AF_INET
        self.options = options
        self.context = context
        self.log = log
        self.accepted = 0
        self.count_lock = threading.Lock()
        super().__init__((options.host, options.port), ProxyHandler if options.proxy else Handler)

    def get_request(self):
        sock, address = self.socket.accept()
        with self.count_lock:
            self.accepted += 1
            number = self.accepted
        self.log.write(event="accept", conn=number)
        return sock, (address, number)

    def handle_error(self, request, client_address):
        pass  # a client that went away mid-answer is expected in these tests


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The header and the body are separate writes: with Nagle the body would wait for the
    # client's delayed ACK (40 ms per request).
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def setup(self):
        self.conn_id = self.client_address[1]
        self.drop_next = False
        self.tls_failed = False
        self.timeout = self.server.options.idle_timeout or 30
        if self.server.context is not None:
            self.request.settimeout(10)
            try:
                self.request = self.server.context.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError) as error:
                self.tls_failed = True
                self.server.log.write(event="handshake_failed", conn=self.conn_id, reason=str(error))
        super().setup()

    def handle(self):
        if not self.tls_failed:
            try:
                super().handle()
            except (OSError, ssl.SSLError):
                pass

    def do_GET(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        self.server.log.write(event="request", conn=self.conn_id, method=self.command, path=self.path,
                              authorization=self.headers.get("Authorization"), host=self.headers.get("Host"),
                              body=len(body), dropped=self.drop_next)
        if self.drop_next:
            self.close_connection = True
            return
        route = ROUTES.get(url.path, Handler.not_found)
        route(self, parse_qs(url.query), body)

    do_POST = do_PUT = do_HEAD = do_DELETE = do_GET

    # Helpers

    def answer(self, status, body=b"", content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def raw(self, data, close=True):
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = close

    # Routes

    def not_found(self, query, body):
        self.answer(404, b'{"error":"not found"}')

    def ok(self, query, body):
        receipt = {"receipt": "R-%d" % self.conn_id, "method": self.command, "path": self.path, "received": len(body)}
        self.answer(200, json.dumps(receipt).encode())

    def echo(self, query, body):
        self.answer(200, json.dumps({"request_line": self.requestline, "headers": list(self.headers.items())}).encode())

    def redirect(self, query, body):
        status = int(query.get("status", ["302"])[0])
        self.answer(status, b"moved", "text/plain", [("Location", query["to"][0])])

    def trickle(self, query, body):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(1)

    def trickle_head(self, query, body):
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"y" * 200 + b"\r\nContent-Length: 0\r\n\r\n":
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.5)

    def big(self, query, body):
        size = int(query.get("size", [str(64 << 20)])[0])
        mode = query.get("mode", ["length"])[0]
        block = b"z" * 65536
        if mode == "length":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        elif mode == "chunked":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        else:
            self.wfile.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            self.close_connection = True
        sent = 0
        while sent < size:
            part = block[: min(len(block), size - sent)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part) if mode == "chunked" else part)
            sent += len(part)
        if mode == "chunked":
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def chunked(self, query, body):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                         b"b\r\n{\"receipt\":\r\n"
                         b"c;part=two\r\n\"R-chunked\",\r\n"
                         b"A\r\n\"parts\":3}\r\n"
                         b"0\r\nX-Checksum: abc\r\n\r\n")
        self.wfile.flush()

    def empty202(self, query, body):
        self.answer(202)

    def nocontent(self, query, body):
        self.send_response(204)
        self.end_headers()

    def close(self, query, body):
        self.answer(200, b'{"closing":true}', headers=[("Connection", "close")])
        self.close_connection = True

    def closedelim(self, query, body):
        self.raw(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n" + b'{"delimited":"by close"}')

    def dropnext(self, query, body):
        self.ok(query, body)
        self.drop_next = True

    def drop(self, query, body):
        self.close_connection = True

    def malformed(self, query, body):
        kind = query.get("kind", ["status"])[0]
        self.raw({
            "status": b"HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            "length": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            "chunk": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "truncated": b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort",
            "fold": b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        }[kind])


ROUTES = {
    "/ok": Handler.ok, "/echo": Handler.echo, "/redirect": Handler.redirect, "/trickle": Handler.trickle,
    "/trickle-head": Handler.trickle_head, "/big": Handler.big, "/chunked": Handler.chunked,
    "/empty202": Handler.empty202, "/nocontent": Handler.nocontent, "/close": Handler.close,
    "/closedelim": Handler.closedelim, "/dropnext": Handler.dropnext, "/drop": Handler.drop,
    "/malformed": Handler.malformed,
}

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def setup(self):
        self.conn_id = self.client_address[1]
        super().setup()

    def do_CONNECT(self):
        host, _, port = self.path.rpartition(":")
        self.server.log.write(event="connect", conn=self.conn_id, target=self.path,
                              authorization=self.headers.get("Authorization"))
        if host not in LOOPBACK:
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream = socket.create_connection((host.strip("[]"), int(port)))
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        selector = selectors.DefaultSelector()
        selector.register(self.connection, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, self.connection)
        try:
            while True:
                for key, _ in selector.select(timeout=30):
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            pass
        finally:
            upstream.close()

    def do_GET(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        self.server.log.write(event="proxy_request", conn=self.conn_id, request_line=self.requestline,
                              authorization=self.headers.get("Authorization"))
        if url.scheme != "http" or url.hostname not in LOOPBACK:
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        upstream = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
        headers = {name: value for name, value in self.headers.items() if name.lower() not in ("connection", "content-length")}
        target = url.path + ("?" + url.query if url.query else "")
        upstream.request(self.command, target, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        self.send_response(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        upstream.close()

    do_POST = do_PUT = do_HEAD = do_DELETE = do_GET


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--client-ca", help="demand a client certificate signed by this CA")
    parser.add_argument("--max-tls", choices=["1.1", "1.2", "1.3"], help="the newest TLS version offered")
    parser.add_argument("--idle-timeout", type=float, help="close keep-alive connections idle this many seconds")
    parser.add_argument("--proxy", action="store_true", help="act as an HTTP proxy")
    parser.add_argument("--log", help="append one JSON line per connection and request")
    options = parser.parse_args()

    context = None
    if options.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.cert, options.key)
        if options.max_tls:
            context.maximum_version = {"1.1": ssl.TLSVersion.TLSv1_1, "1.2": ssl.TLSVersion.TLSv1_2,
                                       "1.3": ssl.TLSVersion.TLSv1_3}[options.max_tls]
            if options.max_tls == "1.1":
                context.minimum_version = ssl.TLSVersion.TLSv1
                context.set_ciphers("ALL:@SECLEVEL=0")
        if options.client_ca:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(options.client_ca)

    server = Server(options, context, Log(options.log))
    print(server.server_address[1], flush=True)
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    main()
