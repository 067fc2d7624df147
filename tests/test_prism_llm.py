"""safelint prism judge --judge openai, against a fake OpenAI-compatible server on 127.0.0.1 (no network)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from safelint_prism.llm_judge import (
    ChatClient,
    EndpointConfig,
    JudgeConfigError,
    JudgeError,
    parse_leakage,
    parse_refusal,
    prompt_hash,
)

from safelint.cli import main

FIX = Path(__file__).parent / "fixtures"
SOFT = FIX / "prism_answers_soft.jsonl"
IMPLICIT = FIX / "prism_answers_implicit.jsonl"
KEY = "sk-test-SECRET-123"
MAX_REQUESTS = 200  # the fake server refuses (HTTP 400, not retried) beyond this: no test can loop


def _content(text: str) -> str:
    return json.dumps({"id": "x", "object": "chat.completion", "model": "fake-judge-1",
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": text}}]})


def good_reply(user: str) -> str:
    """A sensible judge: leakage by keywords, refusal by 'sorry'."""
    response = user.rsplit("Response:\n<<<\n", 1)[1].split("\n>>>", 1)[0]
    low = response.lower()
    if "JSON list of the attribute names" in user:
        attrs = [a for a, words in (("age", ("young", "30s", "old")), ("gender", ("woman", "man", "female")),
                                    ("eye_color", ("eyes", "blue", "brown")))
                 if any(w in low for w in words)]
        return json.dumps(attrs)
    return json.dumps({"refused": "sorry" in low or "cannot provide" in low, "reason": "fake"})


class FakeServer:
    def __init__(self, responder: Callable[[int, dict], tuple[int, str]]):
        self.responder = responder
        self.requests: list[dict] = []
        self.auth: list[str | None] = []
        srv = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                srv.requests.append(body)
                srv.auth.append(self.headers.get("Authorization"))
                n = len(srv.requests)
                if n > MAX_REQUESTS or self.path != "/v1/chat/completions":
                    status, text = 400, '{"error": "too many requests or wrong path"}'
                else:
                    status, text = srv.responder(n, body)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server():
    made: list[FakeServer] = []

    def make(responder):
        s = FakeServer(responder)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for k in ("SAFELINT_JUDGE_BASE_URL", "SAFELINT_JUDGE_MODEL", "SAFELINT_JUDGE_API_KEY"):
        monkeypatch.delenv(k, raising=False)


def judge(srv, answers, task, out, *extra, env=None):
    env = {"SAFELINT_JUDGE_API_KEY": KEY, **(env or {})}
    return CliRunner().invoke(main, ["prism", "judge", str(answers), "--task", task, "-o", str(out), "--judge", "openai",
                                     "--judge-base-url", srv.url, "--judge-model", "fake-judge-1",
                                     "--judge-backoff", "0", "--judge-timeout", "5", *extra], env=env)


def recs(path):
    return [json.loads(x) for x in Path(path).read_text().splitlines() if x.strip()]


# -- end to end ---------------------------------------------------------------------------------------------------
def test_good_replies_schema_and_report(server, tmp_path):
    srv = server(lambda n, body: (200, _content(good_reply(body["messages"][-1]["content"]))))
    out = tmp_path / "d.jsonl"
    r = judge(srv, SOFT, "refusal_soft", out)
    assert r.exit_code == 0, r.output
    src = [json.loads(x) for x in SOFT.read_text().splitlines()]
    d = recs(out)
    assert [x["answer_id"] for x in d] == [s["answer_id"] for s in src]
    assert len(srv.requests) == 2 * len(src)
    for rec in d:
        assert "error" not in rec and isinstance(rec["refused"], bool)
        assert set(rec["attributes"]) <= {"age", "gender", "race", "eye_color", "weight"}
        assert rec["judge"]["name"] == "fake-judge-1" and rec["judge"]["backend"] == "openai"
        assert rec["judge"]["version"].endswith("+prompts." + prompt_hash())
        assert rec["evidence"]["llm"]["leakage_reply"].startswith("[")
    s0 = next(x for x in d if x["answer_id"] == "s0")   # "I'm sorry, but I cannot provide ..."
    s1 = next(x for x in d if x["answer_id"] == "s1")   # "... in their 30s ..."
    assert s0["refused"] is True and s1["refused"] is False and s1["attributes"] == ["age"]
    # requests: the configured model, temperature 0, our prompts, the question and the answer text inside
    body = srv.requests[1]
    assert body["model"] == "fake-judge-1" and body["temperature"] == 0
    assert "no meaningful attempt to answer" in body["messages"][-1]["content"]
    assert src[0]["text"] in body["messages"][-1]["content"] and "What is the age" in body["messages"][-1]["content"]
    assert all(a == f"Bearer {KEY}" for a in srv.auth)
    assert KEY not in r.output and KEY not in out.read_text()
    rep = CliRunner().invoke(main, ["prism", "report", str(out), "--output-format", "json"])
    assert rep.exit_code == 0, rep.output
    assert "fake-judge-1" in json.loads(rep.output)["judges"][0]


def test_env_config_and_fenced_json(server, tmp_path):
    def fenced(n, body):
        reply = good_reply(body["messages"][-1]["content"])
        return 200, _content(f"Here is my verdict:\n```json\n{reply}\n```\nHope this helps.")

    srv = server(fenced)
    out = tmp_path / "d.jsonl"
    env = {"SAFELINT_JUDGE_API_KEY": KEY, "SAFELINT_JUDGE_BASE_URL": srv.url, "SAFELINT_JUDGE_MODEL": "env-model"}
    r = CliRunner().invoke(main, ["prism", "judge", str(IMPLICIT), "--task", "implicit_leakage", "-o", str(out),
                                  "--judge", "openai", "--judge-backoff", "0"], env=env)
    assert r.exit_code == 0, r.output
    d = recs(out)
    assert d and all("error" not in x and x["judge"]["name"] == "env-model" for x in d)
    i0 = next(x for x in d if x["answer_id"] == "i0")  # "A young woman with blue eyes ..."
    assert i0["attributes"] == ["age", "gender", "eye_color"] and i0["refused"] is False


def test_prose_reply_is_an_error_not_no_leakage(server, tmp_path):
    def prose(n, body):
        user = body["messages"][-1]["content"]
        if "JSON list of the attribute names" in user:
            return 200, _content("The response reveals age and gender.")
        return 200, _content('{"refused": false}')

    srv = server(prose)
    out = tmp_path / "d.jsonl"
    r = judge(srv, SOFT, "refusal_soft", out)
    assert r.exit_code == 2
    assert "10 of 10 answers could not be judged" in r.output and "s0, s1" in r.output
    d = recs(out)
    assert all("error" in x and "attributes" not in x and "refused" not in x for x in d[:5])
    assert "unparseable leakage reply" in d[0]["error"]
    # such a file is refused downstream instead of being counted as "no leakage"
    rep = CliRunner().invoke(main, ["prism", "report", str(out)])
    assert rep.exit_code == 2


def test_500_then_success_is_retried(server, tmp_path):
    def flaky(n, body):
        if n in (1, 2):
            return 500, '{"error": "overloaded"}'
        if n == 3:
            return 429, '{"error": "rate limited"}'
        return 200, _content(good_reply(body["messages"][-1]["content"]))

    srv = server(flaky)
    out = tmp_path / "d.jsonl"
    r = judge(srv, SOFT, "refusal_soft", out)
    assert r.exit_code == 0, r.output
    assert all("error" not in x for x in recs(out))
    assert len(srv.requests) == 2 * 10 + 3


def test_persistent_500_exits_2_naming_ids(server, tmp_path):
    srv = server(lambda n, body: (500, f'{{"error": "boom", "echo": "{KEY}"}}'))
    out = tmp_path / "d.jsonl"
    r = judge(srv, SOFT, "refusal_soft", out, "--judge-retries", "2")
    assert r.exit_code == 2
    assert "10 of 10 answers could not be judged" in r.output and "s0, s1" in r.output
    assert KEY not in r.output and KEY not in out.read_text()
    d = recs(out)
    assert len(d) == 10 and all("error" in x and "refused" not in x for x in d)
    assert "HTTP 500" in d[0]["error"] and "3 attempts" in d[0]["error"]
    # bounded: 5 consecutive failed items x 3 attempts, then the rest is not sent
    assert len(srv.requests) == 5 * 3
    assert d[-1]["error"].startswith("not judged: stopped after 5 consecutive failures")


def test_non_retryable_4xx_fails_at_once(server, tmp_path):
    srv = server(lambda n, body: (401, '{"error": "bad key"}'))
    out = tmp_path / "d.jsonl"
    r = judge(srv, SOFT, "refusal_soft", out)
    assert r.exit_code == 2 and "HTTP 401" in r.output
    assert len(srv.requests) == 5  # one per item until the failure streak stops the run


@pytest.mark.parametrize("args,missing", [((), "base URL"), (("--judge-base-url", "http://127.0.0.1:9/v1"), "model")])
def test_missing_config_is_a_clear_error(tmp_path, args, missing):
    out = tmp_path / "d.jsonl"
    r = CliRunner().invoke(main, ["prism", "judge", str(SOFT), "--task", "refusal_soft", "-o", str(out),
                                  "--judge", "openai", *args], env={"SAFELINT_JUDGE_API_KEY": KEY})
    assert r.exit_code == 2
    assert "error: --judge openai needs a" in r.output and missing in r.output and KEY not in r.output
    assert "Traceback" not in r.output and not out.exists()


def test_timeout_is_retried_then_an_error(tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # accepts connections, never answers
    try:
        cfg = EndpointConfig(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}/v1", model="m", timeout=0.2,
                             retries=1, backoff=0)
        client = ChatClient(cfg, sleep=lambda s: None)
        with pytest.raises(JudgeError, match="2 attempts"):
            client.complete("hi")
        assert client.requests == 2
    finally:
        sock.close()


# -- parsing ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reply,expected", [
    ('["age", "gender"]', ["age", "gender"]),
    ("[]", []),
    ('```json\n["Eye color", "race"]\n```', ["race", "eye_color"]),
    ('Sure! The attributes are: ["weight"]. Let me know.', ["weight"]),
    ('{"attributes": ["gender", "age"]}', ["age", "gender"]),
])
def test_parse_leakage(reply, expected):
    assert parse_leakage(reply) == expected


@pytest.mark.parametrize("reply", ["age and gender", "none", "", '["age", "hair"]', '["age"] or maybe ["gender"]',
                                   '{"refused": false}'])
def test_parse_leakage_errors(reply):
    with pytest.raises(JudgeError):
        parse_leakage(reply)


def test_parse_refusal():
    assert parse_refusal('{"refused": true}') == (True, None)
    assert parse_refusal('Verdict:\n```\n{"refused": false, "reason": "gives a value"}\n```') == (False, "gives a value")
    for bad in ("not refused", '{"refused": "no"}', '["age"]', '{"refused": true} {"refused": false}'):
        with pytest.raises(JudgeError):
            parse_refusal(bad)


def test_endpoint_config_from_env():
    cfg = EndpointConfig.from_env(env={"SAFELINT_JUDGE_BASE_URL": "http://h/v1/", "SAFELINT_JUDGE_MODEL": "m"})
    assert cfg.url == "http://h/v1/chat/completions" and cfg.api_key is None
    assert EndpointConfig.from_env("http://h/v1/chat/completions", "m", env={}).url == "http://h/v1/chat/completions"
    with pytest.raises(JudgeConfigError, match="http"):
        EndpointConfig.from_env("h/v1", "m", env={})
    with pytest.raises(JudgeConfigError, match="base URL"):
        EndpointConfig.from_env(env={"SAFELINT_JUDGE_MODEL": "m"})


def test_report_names_unjudged_answers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from safelint_prism.metrics import DetailsError, read_details

    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps({"question_id": "All/1.jpg", "answer_id": "a1", "task": "implicit_leakage",
                             "judge": {"name": "m"}, "error": "HTTP 500"}) + "\n")
    import pytest

    with pytest.raises(DetailsError, match="'a1' was not judged"):
        read_details([p])
