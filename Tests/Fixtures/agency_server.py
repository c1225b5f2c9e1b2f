#!/usr/bin/env python3
"""A stand-in agency for civlink's tests and benchmark: an HTTP server on loopback that records
every message it takes in, deduplicates by message id (the Idempotency-Key), and answers
civlink.receipt/1 receipts. Faults are switched on through POST /_control:
  {"fail": N}        the next N message posts get HTTP 500 (not recorded)
  {"reset": N}       the next N posts are recorded, then the connection is reset without an answer
  {"hang": N, "hang_seconds": S}  the next N posts are recorded, then the answer waits S seconds
  {"slow": S}        every answer waits S seconds (after recording)
  {"accept_first": true}  answer "accepted"; the result comes from GET /<agency>/<message id>
  {"reject": true}   answer "rejected"
  {"redirect": N, "redirect_status": 302, "redirect_to": URL}  the next N posts are answered with
                     a redirect (not recorded: the agency did not take the message)
  {"empty": N}       the next N posts are recorded and answered 202 with an empty body
  {"html": N}        the next N posts are recorded and answered 200 with an HTML page
  {"other_id": N}    the next N posts are recorded and answered with a receipt for another id
  {"trickle": N}     the next N posts are recorded, then the answer comes one byte a second
  {"big": N, "big_bytes": B}  the next N posts are recorded and answered with B bytes
  {"no_receipts": true}  GET /<agency>/<id> answers 404 (the agency lost its receipts)
GET /_stats returns {"processed": {id: n}, "kinds": {id: kind}, "posts": n, "duplicates": n, "requests": n,
"authorizations": [...]}: processed counts how often the agency acted on an id (1 with
deduplication, whatever the retries); kinds is each message's kind (request, update or void);
authorizations lists every Authorization header seen. An update is answered like a request, with
its corrected result; a void is completed without a result.
Usage: agency_server.py [--port N] [--cert PEM --key PEM [--client-ca PEM]]
  (prints the port on the first line of stdout; with --client-ca a client certificate signed by
  that CA is required)"""
import datetime, json, os, random, socket, ssl, struct, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
state = {"fail": 0, "reset": 0, "hang": 0, "hang_seconds": 5.0, "slow": 0.0, "accept_first": False, "reject": False,
         "redirect": 0, "redirect_status": 302, "redirect_to": "http://127.0.0.1:9/", "empty": 0, "html": 0, "other_id": 0,
         "trickle": 0, "big": 0, "big_bytes": 100 << 20, "no_receipts": False,
         "drop": None}
tls_context = None
receipts = {}      # message id -> receipt (the latest)
processed = {}     # message id -> times acted on
kinds = {}         # message id -> request, update or void
stats = {"posts": 0, "duplicates": 0, "requests": 0, "authorizations": []}

def digits(n):
    return "".join(random.choice("0123456789") for _ in range(n))

def result(message):
    procedure = message.get("procedure")
    data = message.get("data") or {}
    province = message.get("province", "01")
    if procedure == "personal-id":
        child = data.get("child") or {}
        year = int((child.get("date_of_birth") or "2026-01-01")[:4])
        century = (year // 100 - 19) * 2 + (1 if child.get("sex") == "female" else 0)
        return {"personal_id": "%s%d%02d%s" % (data.get("province_id_code", "001"), century, year % 100, digits(6))}
    if procedure in ("residence-registration", "residence-deletion"):
        return {"confirmation": "CONF-%s-%s" % (province, digits(8))}
    if procedure == "health-insurance-card":
        # Valid until 72 months old; a child who turns 72 months by September keeps it to 30 September.
        born = (data.get("child") or {}).get("date_of_birth", "2026-01-01")
        y, m, d = int(born[:4]), int(born[5:7]), int(born[8:10])
        if m <= 9:
            until = "%04d-09-30" % (y + 6)
        else:
            until = (datetime.date(y + 6, m, d) - datetime.timedelta(days=1)).isoformat()
        return {"card_number": "TE1%s%s" % (province, digits(10)), "valid_from": born, "valid_until": until}
    if procedure in ("funeral-allowance", "funeral-support"):
        amount = ((data.get("benefit") or {}).get("amount_vnd")) or 10000000
        return {"decision": "QD-" + digits(6), "amount_vnd": amount}
    if procedure == "survivor-benefit":
        # Survivor benefit (tu tuat): one-off, or monthly at half the base salary per relative
        # from the month after the death.
        request = data.get("survivor_benefit") or {}
        died = datetime.date.fromisoformat((data.get("death") or {}).get("date", "2026-01-01"))
        base = 2340000
        if request.get("kind") == "monthly":
            start = datetime.date(died.year + (died.month == 12), died.month % 12 + 1, 1)
            relatives = max(1, len(request.get("relatives") or []))
            return {"decision": "QD-TT-" + digits(6), "kind": "monthly", "monthly_amount_vnd": base // 2 * relatives, "from": start.isoformat()}
        return {"decision": "QD-TT-" + digits(6), "kind": "one-off", "amount_vnd": base * 24}
    return {}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def log_message(self, *args):
        pass

    def setup(self):
        self.tls_failed = False
        if tls_context is not None:
            self.request.settimeout(10)
            try:
                self.request = tls_context.wrap_socket(self.request, server_side=True)
            except (ssl.SSLError, OSError):
                self.tls_failed = True
        super().setup()

    def handle(self):
        if not self.tls_failed:
            try:
                super().handle()
            except (OSError, ssl.SSLError):
                pass

    def parse_request(self):
        ok = super().parse_request()
        if ok and not self.path.startswith("/_"):
            with lock:
                stats["requests"] += 1
                stats["authorizations"].append(self.headers.get("Authorization"))
        return ok

    def send_json(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path == "/_stats":
            with lock:
                return self.send_json(200, dict(stats, processed=processed, kinds=kinds))
        message_id = self.path.rstrip("/").split("/")[-1]
        if state["no_receipts"]:
            return self.send_json(404, {"error": "unknown message"})
        with lock:
            receipt = receipts.get(message_id)
            if receipt and receipt["status"] == "accepted":
                receipt = dict(receipt, status="completed", result=result(receipt.pop("_message")))
                receipts[message_id] = receipt
        if receipt is None:
            return self.send_json(404, {"error": "unknown message"})
        self.send_json(200, {k: v for k, v in receipt.items() if not k.startswith("_")})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/_control":
            with lock:
                state.update(json.loads(body))
            return self.send_json(200, state)
        with lock:
            stats["posts"] += 1
            if state["fail"] > 0:
                state["fail"] -= 1
                fault = "fail"
            elif state["reset"] > 0:
                state["reset"] -= 1
                fault = "reset"
            elif state["hang"] > 0:
                state["hang"] -= 1
                fault = "hang"
            elif state["redirect"] > 0:
                state["redirect"] -= 1
                fault = "redirect"
            else:
                fault = None
                for name in ("empty", "html", "other_id", "trickle", "big"):
                    if state[name] > 0:
                        state[name] -= 1
                        fault = name
                        break
        if fault == "fail":
            return self.send_json(500, {"error": "simulated outage"})
        if fault == "redirect":
            self.send_response(state["redirect_status"])
            self.send_header("Location", state["redirect_to"])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        # Playing the province (`drop`: its spool directory): an export or a checkpoint is kept in
        # DROP/outbox under its Idempotency-Key, as a commune's spool would hold it.
        key = self.headers.get("Idempotency-Key") or ""
        if state["drop"] and (key.startswith("export-") or key.startswith("checkpoint-")) and "/" not in key:
            folder = os.path.join(state["drop"], "outbox")
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, key + ".json")
            with open(path + ".tmp", "wb") as f:
                f.write(body)
            os.rename(path + ".tmp", path)
            with lock:
                stats["dropped"] = stats.get("dropped", 0) + 1
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            message = json.loads(body)
            message_id = message["message_id"]
        except Exception:
            return self.send_json(400, {"error": "malformed message"})
        if self.headers.get("Idempotency-Key") != message_id:
            return self.send_json(400, {"error": "Idempotency-Key must be the message id"})
        with lock:
            if message_id in receipts:
                stats["duplicates"] += 1
            else:
                processed[message_id] = processed.get(message_id, 0) + 1
                kinds[message_id] = message.get("kind", "request")
                if message.get("kind") == "void":
                    receipt = {"status": "completed"}
                elif state["reject"]:
                    receipt = {"status": "rejected", "reason": "simulated rejection"}
                elif state["accept_first"]:
                    receipt = {"status": "accepted", "_message": message}
                else:
                    receipt = {"status": "completed", "result": result(message)}
                receipts[message_id] = dict({"format": "civlink.receipt/1", "message_id": message_id,
                                             "procedure": message["procedure"]}, **receipt)
            receipt = {k: v for k, v in receipts[message_id].items() if not k.startswith("_")}
            slow = state["slow"]
            hang_seconds = state["hang_seconds"]
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault == "hang":
            time.sleep(hang_seconds)
        if slow:
            time.sleep(slow)
        if fault == "empty":
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "html":
            page = b"<html><body>Request received</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)
        elif fault == "other_id":
            self.send_json(200, dict(receipt, message_id=message_id + "-other"))
        elif fault == "trickle":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n")
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
            self.close_connection = True
        elif fault == "big":
            size = state["big_bytes"]
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size)
            block = b" " * 65536
            try:
                sent = 0
                while sent < size:
                    part = block[: min(len(block), size - sent)]
                    self.wfile.write(part)
                    sent += len(part)
            except OSError:
                pass
            self.close_connection = True
        else:
            self.send_json(200, receipt)

def option(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None

def main():
    global tls_context
    port = int(option("--port") or 0)
    if option("--cert"):
        tls_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls_context.load_cert_chain(option("--cert"), option("--key"))
        if option("--client-ca"):
            tls_context.verify_mode = ssl.CERT_REQUIRED
            tls_context.load_verify_locations(option("--client-ca"))
    ThreadingHTTPServer.request_queue_size = 128   # the default listen backlog of 5 drops bursts of connections
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()

if __name__ == "__main__":
    main()
