#!/usr/bin/env python3
"""How long a configuration change takes to reach the wire (scripts/bench-apply).

trunks: POSTs one more trunk whose registrar is this script's own UDP socket,
        and times the POST and POST start -> its first REGISTER (the kernel's
        receive timestamp); answers every REGISTER 200 so the trunks stay calm.
lines:  PATCHes a user's line password, then registers that line with the new
        password (digest, MD5) until Trunkline answers 200, and times the PATCH
        and PATCH start -> the 200. Each attempt comes from a loopback address
        of its own, so the failed ones never reach the toll-fraud guard's count.

Prints one line per sample and the p50/p95 of each figure. Standard library
only; every wait is bounded; every address is loopback.
"""

import argparse
import hashlib
import http.client
import json
import os
import re
import socket
import struct
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)


class Api:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body)
        headers = dict(self.headers)
        if method == "PATCH":
            # REST takes a PATCH only as a JSON Merge Patch (RFC 7396); anything else is 415.
            headers["Content-Type"] = "application/merge-patch+json"
        self.conn.request(method, "/api/v1" + path, body=data, headers=headers)
        answer = self.conn.getresponse()
        text = answer.read()
        return answer.status, (json.loads(text) if text else None)


def received(sock, timeout):
    """One datagram and the kernel's receive time (wall clock), or None."""
    sock.settimeout(max(timeout, 0.0001))
    try:
        data, anc, _, addr = sock.recvmsg(65535, 1024)
    except socket.timeout:
        return None
    at = time.time()
    for level, kind, raw in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", raw[:16])
            at = sec + nsec / 1e9
    return data.decode(errors="replace"), addr, at


def timestamped(sock):
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    return sock


def header(text, name):
    for line in text.split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    return ""


def ok_to(request):
    """200 OK for a REGISTER: its Via, From, To (tagged), Call-ID, CSeq and Contact."""
    lines = ["SIP/2.0 200 OK"]
    for line in request.split("\r\n")[1:]:
        key = line.partition(":")[0].strip().lower()
        if key in ("via", "v", "from", "f", "call-id", "i", "cseq"):
            lines.append(line)
        elif key in ("to", "t"):
            lines.append(line if ";tag=" in line else line + ";tag=bench")
        elif key in ("contact", "m"):
            lines.append(line + ";expires=600" if "expires" not in line else line)
    lines += ["Content-Length: 0", "", ""]
    return "\r\n".join(lines).encode()


def quantiles(values):
    ordered = sorted(values)
    if not ordered:
        return 0.0, 0.0
    pick = lambda q: ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]
    return pick(0.5), pick(0.95)


def report(label, first, second, samples):
    p50, p95 = quantiles([s[0] for s in samples])
    q50, q95 = quantiles([s[1] for s in samples])
    print(f"{label}: {len(samples)} samples; {first} p50 {p50:.1f} ms, p95 {p95:.1f} ms; "
          f"{second} p50 {q50:.1f} ms, p95 {q95:.1f} ms", flush=True)


def trunks(args, api):
    sock = timestamped(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    sock.bind(("127.0.0.1", args.probe_port))
    samples = []
    for i in range(args.samples):
        name = f"apply{os.getpid()}x{i}"
        body = {"name": name, "host_type": "dynamic", "register": True, "reg_username": name,
                "reg_server": "127.0.0.1", "reg_port": str(args.probe_port),
                "secret": "bench-apply", "reg_expiry": "600", "monitoring": "yes"}
        start = time.time()
        status, _ = api.call("POST", "/trunks", body)
        posted = time.time()
        if status != 201:
            raise SystemExit(f"apply_probe: POST /trunks answered {status}")
        first = None
        while time.time() < start + args.timeout:
            got = received(sock, start + args.timeout - time.time())
            if got is None:
                break
            text, addr, at = got
            if text.startswith("REGISTER "):
                sock.sendto(ok_to(text), addr)
                if first is None and f"sip:{name}@" in header(text, "To"):
                    first = at
                    break
        if first is None:
            raise SystemExit(f"apply_probe: no REGISTER for {name} within {args.timeout} s")
        samples.append((1000 * (posted - start), 1000 * (first - start)))
        print(f"  trunk {i + 1}: POST {samples[-1][0]:.1f} ms, first REGISTER {samples[-1][1]:.1f} ms",
              flush=True)
        # Answer what came meanwhile (OPTIONS, refreshes) and let things settle.
        settle = time.time() + args.pause
        while (got := received(sock, settle - time.time())) is not None:
            text, addr, _ = got
            if text.startswith("REGISTER "):
                sock.sendto(ok_to(text), addr)
            elif text.startswith("OPTIONS "):
                sock.sendto(ok_to(text), addr)
    report(f"one more trunk with {args.configured} configured", "POST", "POST start -> first REGISTER", samples)


def digest(challenge, user, password, method, uri):
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
    realm, nonce = fields.get("realm", ""), fields.get("nonce", "")
    md5 = lambda s: hashlib.md5(s.encode()).hexdigest()
    ha1, ha2 = md5(f"{user}:{realm}:{password}"), md5(f"{method}:{uri}")
    if "auth" in fields.get("qop", "").split(","):
        cnonce, nc = os.urandom(4).hex(), "00000001"
        response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        extra = f', qop=auth, nc={nc}, cnonce="{cnonce}"'
    else:
        response, extra = md5(f"{ha1}:{nonce}:{ha2}"), ""
    opaque = f', opaque="{fields["opaque"]}"' if "opaque" in fields else ""
    return (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'response="{response}", algorithm=MD5{extra}{opaque}')


def register_once(source, user, password, pbx_port, timeout):
    """One REGISTER from `source` (401, then with credentials); the final status and its time."""
    sock = timestamped(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
    sock.bind((source, 0))
    here = sock.getsockname()
    uri = f"sip:127.0.0.1:{pbx_port}"
    call_id = os.urandom(8).hex()
    try:
        authorization = None
        for cseq in (1, 2):
            lines = [f"REGISTER {uri} SIP/2.0",
                     f"Via: SIP/2.0/UDP {here[0]}:{here[1]};branch=z9hG4bK{os.urandom(6).hex()};rport",
                     "Max-Forwards: 70",
                     f"From: <sip:{user}@127.0.0.1>;tag={os.urandom(4).hex()}",
                     f"To: <sip:{user}@127.0.0.1>",
                     f"Call-ID: {call_id}",
                     f"CSeq: {cseq} REGISTER",
                     f"Contact: <sip:{user}@{here[0]}:{here[1]}>",
                     "Expires: 60"]
            if authorization:
                lines.append(f"Authorization: {authorization}")
            lines += ["Content-Length: 0", "", ""]
            sock.sendto("\r\n".join(lines).encode(), ("127.0.0.1", pbx_port))
            got = received(sock, timeout)
            if got is None:
                return None, None
            text, _, at = got
            status = int(text.split(" ", 2)[1])
            if status == 401 and authorization is None:
                authorization = digest(header(text, "WWW-Authenticate"), user, password, "REGISTER", uri)
                continue
            return status, at
        return None, None
    finally:
        sock.close()


def lines(args, api):
    samples = []
    for i in range(args.samples):
        user_id = args.first_user + i
        status, user = api.call("GET", f"/users/{user_id}")
        if status != 200:
            raise SystemExit(f"apply_probe: GET /users/{user_id} answered {status}")
        password = f"Bench{os.getpid()}x{i}pw"
        start = time.time()
        status, _ = api.call("PATCH", f"/users/{user_id}",
                             {"version": user["version"], "line_password": password})
        patched = time.time()
        if status != 200:
            raise SystemExit(f"apply_probe: PATCH /users/{user_id} answered {status}")
        accepted = None
        for attempt in range(2000):
            if time.time() > start + args.timeout:
                break
            source = f"127.{100 + i % 100}.{attempt // 250}.{attempt % 250 + 1}"
            status, at = register_once(source, user["line_username"] or user["exten"], password,
                                       args.sip_port, 1.0)
            if status == 200:
                accepted = at
                break
        if accepted is None:
            raise SystemExit(f"apply_probe: line {user_id} not accepted within {args.timeout} s")
        samples.append((1000 * (patched - start), 1000 * (accepted - start)))
        print(f"  line {i + 1}: PATCH {samples[-1][0]:.1f} ms, registrar's 200 {samples[-1][1]:.1f} ms "
              f"({attempt + 1} attempt{'s' if attempt else ''})", flush=True)
        time.sleep(args.pause)
    report(f"a line change with {args.configured} users", "PATCH", "PATCH start -> registrar's 200", samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["trunks", "lines"])
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--sip-port", type=int, default=5060)
    parser.add_argument("--probe-port", type=int, default=0)
    parser.add_argument("--token", required=True)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--first-user", type=int, default=1)
    parser.add_argument("--configured", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--pause", type=float, default=0.3)
    args = parser.parse_args()
    api = Api(args.http_port, args.token)
    api.call("GET", "/nat")
    (trunks if args.what == "trunks" else lines)(args, api)


if __name__ == "__main__":
    main()
