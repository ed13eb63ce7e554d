"""Secret redaction: every supported format is caught, ordinary code is left alone.

No realistic secret is written in this file: every token is assembled at run time from a
seeded pseudo-random generator, so scanners (and GitHub push protection) see only prefixes.
"""

from __future__ import annotations

import base64
import json
import random
import string
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from mu_lsp.privacy import redact
from mu_lsp.privacy.redact import KINDS, RedactionResult, SecretFinding, redact_secrets
from tests.support.redaction import ADVERSARIAL

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def rand(alphabet: str, length: int, seed: int) -> str:
    """Deterministic random text that has upper case, lower case and digits whenever the
    alphabet offers them, like real keys do."""
    rng = random.Random(seed)
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(length))
        needed = [
            group
            for group in (string.ascii_uppercase, string.ascii_lowercase, string.digits)
            if set(group) & set(alphabet)
        ]
        if all(set(value) & set(group) for group in needed):
            return value


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(seed: int) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": "4242", "name": "Ada", "iat": 1700000000 + seed}).encode())
    return f"{header}.{payload}.{rand(B64URL, 43, seed)}"


def pem(kind: str, seed: int, lines: int = 4) -> str:
    label = f"{kind} PRIVATE KEY" if kind else "PRIVATE KEY"
    if kind == "PGP":
        label = "PGP PRIVATE KEY BLOCK"
    body = "\n".join(rand(B64, 64, seed + i) for i in range(lines))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----"


# (kind, text with {s} where the secret goes, the secret)
Case = tuple[str, str, str]

POSITIVE: list[Case] = [
    ("aws_access_key_id", 'key_id = "{s}"', "AKIA" + rand(string.ascii_uppercase + "234567", 16, 1)),
    ("aws_access_key_id", "aws configure set aws_access_key_id {s}", "ASIA" + rand(string.ascii_uppercase, 16, 2)),
    ("aws_secret_access_key", 'aws_secret_access_key = "{s}"', rand(B64, 40, 3)),
    ("aws_secret_access_key", '{{"SecretAccessKey": "{s}"}}', rand(B64, 40, 4)),
    ("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY={s}", rand(B64, 40, 5)),
    *[
        ("github_token", 'gh = "{s}"', prefix + rand(B62, 36, 10 + i))
        for i, prefix in enumerate(["ghp_", "gho_", "ghu_", "ghs_", "ghr_"])
    ],
    (
        "github_token",
        "git clone https://x:{s}@github.com/o/r",
        "github_pat_" + rand(B62, 22, 16) + "_" + rand(B62, 59, 17),
    ),
    ("gitlab_token", 'headers = {{"PRIVATE-TOKEN": "{s}"}}', "glpat-" + rand(B64URL, 20, 18)),
    (
        "slack_token",
        'client = WebClient("{s}")',
        "xoxb-" + rand(string.digits, 12, 19) + "-" + rand(string.digits, 13, 20) + "-" + rand(B62, 24, 21),
    ),
    (
        "slack_token",
        'slack("{s}")',
        "xoxp-" + rand(string.digits, 12, 22) + "-" + rand(string.digits, 12, 23) + "-" + rand(B62, 32, 24),
    ),
    (
        "slack_token",
        'app_level = "{s}"',
        "xapp-1-A" + rand(UPPER_DIGITS, 10, 25) + "-" + rand(string.digits, 13, 26) + "-" + rand(HEX, 64, 27),
    ),
    (
        "slack_webhook",
        'requests.post("https://{s}", json=msg)',
        "hooks.slack.com/services/T"
        + rand(UPPER_DIGITS, 8, 28)
        + "/B"
        + rand(UPPER_DIGITS, 8, 29)
        + "/"
        + rand(B62, 24, 30),
    ),
    ("stripe_key", 'stripe.api_key = "{s}"', "sk_live_" + rand(B62, 24, 31)),
    ("stripe_key", 'restricted = "{s}"', "rk_live_" + rand(B62, 24, 32)),
    ("stripe_key", "charge(key={s!r})", "sk_test_" + rand(B62, 24, 33)),
    ("openai_api_key", 'client = OpenAI(api_key="{s}")', "sk-" + rand(B62, 48, 34)),
    ("openai_api_key", 'OpenAI("{s}")', "sk-proj-" + rand(B64URL, 120, 35)),
    ("anthropic_api_key", 'Anthropic(api_key="{s}")', "sk-ant-api03-" + rand(B64URL, 93, 36) + "AA"),
    ("google_api_key", 'url = f"https://maps.example/api?key={s}"', "AIza" + rand(B64URL, 35, 37)),
    ("google_oauth_client_secret", 'flow = Flow(client_secret="{s}")', "GOCSPX-" + rand(B64URL, 28, 38)),
    ("jwt", 'session.cookies["id"] = "{s}"', jwt(39)),
    *[
        ("private_key", 'KEY = """{s}"""', pem(kind, 40 + i))
        for i, kind in enumerate(["RSA", "EC", "OPENSSH", "DSA", "ENCRYPTED", "", "PGP"])
    ],
    ("twilio_key", 'Client("{s}", auth)', "SK" + rand(HEX, 32, 50)),
    ("twilio_key", 'account = "{s}"', "AC" + rand(HEX, 32, 51)),
    ("sendgrid_api_key", 'SendGridAPIClient("{s}")', "SG." + rand(B64URL, 22, 52) + "." + rand(B64URL, 43, 53)),
    ("npm_token", "//registry.npmjs.org/:_authToken={s}", "npm_" + rand(B62, 36, 54)),
    ("pypi_token", 'twine(password="{s}")', "pypi-AgEIcHlwaS5vcmc" + rand(B64URL, 70, 55)),
    (
        "azure_storage_key",
        'conn = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={s};EndpointSuffix=core.windows.net"',
        rand(B64, 86, 56) + "==",
    ),
    (
        "azure_sas_signature",
        'blob = "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sig={s}"',
        rand(B62, 40, 57) + "%3D",
    ),
    ("database_password", 'engine = create_engine("postgresql://app:{s}@db.internal:5432/app")', rand(B62, 16, 58)),
    ("database_password", 'DATABASE_URL = "mysql://root:{s}@localhost/shop"', "hunter2" + rand(B62, 5, 59)),
    ("database_password", 'client = MongoClient("mongodb+srv://admin:{s}@cluster0.example.net/db")', rand(B62, 20, 60)),
    ("database_password", 'cache = Redis.from_url("redis://:{s}@cache:6379/0")', rand(B62, 20, 61)),
    ("database_password", 'url = "postgresql+psycopg://svc:{s}@pg/app"', "Tr0ub4dor&3"),
    ("url_password", 'repo = "https://deploy:{s}@git.example.com/team/app.git"', "pass-" + rand(B62, 8, 62)),
    ("url_password", 'proxies = {{"https": "http://user:{s}@proxy:3128"}}', "pa55-word1"),
    ("url_password", "# e.g. https://user:{s}@host/path", "pass"),  # even the textbook example
    ("bearer_token", 'headers = {{"Authorization": "Bearer {s}"}}', rand(B64URL, 40, 64)),
    ("bearer_token", "curl -H 'Authorization: bearer {s}' https://api", rand(B62, 32, 65)),
    (
        "basic_auth",
        'headers["Authorization"] = "Basic {s}"',
        base64.b64encode(b"admin:" + rand(B62, 12, 66).encode()).decode(),
    ),
    ("authorization_header", 'headers = {{"Authorization": "token {s}"}}', rand(HEX, 40, 67)),
    ("heroku_api_key", 'HEROKU_API_KEY = "{s}"', "-".join(rand(HEX, n, 68 + n) for n in (8, 4, 4, 4, 12))),
    ("huggingface_token", 'login(token="{s}")', "hf_" + rand(B62, 34, 69)),
    (
        "discord_bot_token",
        "bot.run('{s}')",
        "M" + rand(B62, 23, 70) + "." + rand(B64URL, 6, 71) + "." + rand(B64URL, 27, 72),
    ),
    ("mailgun_api_key", 'auth=("api", "{s}")', "key-" + rand(B62, 32, 73)),
    ("shopify_token", 'session = Session(shop, token="{s}")', "shpat_" + rand(HEX, 32, 74)),
    ("digitalocean_token", 'do = Manager(token="{s}")', "dop_v1_" + rand(HEX, 64, 75)),
    ("telegram_bot_token", 'Bot("{s}")', rand(string.digits, 10, 76) + ":AA" + rand(B64URL, 33, 77)),
    ("age_secret_key", "identity = '{s}'", "AGE-SECRET-KEY-1" + rand(UPPER_DIGITS, 58, 78)),
    ("high_entropy_string", 'salt = "{s}"', rand(B62, 40, 79)),
    ("high_entropy_string", "nonce = '{s}'", rand(B64, 64, 80) + "=="),
    ("high_entropy_string", "const seed = `{s}`;", rand(B64URL, 32, 81)),
    ("high_entropy_string", 'block = {{"type": "tool_use", "id": "{s}"}}', "toolu_01" + rand(B62, 22, 82)),
]

# Secret-looking names in each language's assignment syntax, and literal values of all kinds.
ASSIGNMENTS: list[Case] = [
    ("password_assignment", 'db_password = "{s}"', "correct horse battery staple"),
    ("password_assignment", 'PASSWORD = "{s}"', "changeme"),  # a real default password
    ("password_assignment", 'login(user, password="{s}")', "hunter22"),
    ("password_assignment", "conn = psycopg.connect(passwd='{s}')", "Sup3r-secret!"),
    ("password_assignment", "{{'password': '{s}'}}", "password123"),
    ("password_assignment", 'cfg["smtp_password"] = "{s}"', "mail-Pa55"),
    ("password_assignment", 'const adminPassword = "{s}";', "letmein-now"),
    ("password_assignment", 'password := "{s}"', "g0-secret"),
    ("password_assignment", 'var dbPassword string = "{s}"', "g0-var-secret"),
    ("password_assignment", 'let password: &str = "{s}";', "rust-pw-1"),
    ("password_assignment", 'private static final String PASSWORD = "{s}";', "java-pw-1"),
    ("password_assignment", 'val userPwd: String = "{s}"', "kotlin-pw"),
    ("password_assignment", "'db_passwd' => '{s}',", "php-secret-9"),
    ("password_assignment", "database:\n  password: {s}\n", "yaml-Pw-1!"),
    ("password_assignment", "DB_PASSWORD={s}\n", "envpass99"),
    ("password_assignment", 'password = "{s}"', 'it\'s \\"quoted\\"'),
    ("secret_assignment", 'API_KEY = "{s}"', "abc123def456"),
    ("secret_assignment", '{{"client_secret": "{s}"}}', "json-Secret-77"),
    ("secret_assignment", "export API_TOKEN={s}\n", "envtoken42"),
    ("secret_assignment", 'apiKey: "{s}",', "js-key-value"),
    ("secret_assignment", 'authToken = "{s}"', "bearer-ish-123"),
    ("secret_assignment", 'secret_key = "{s}"', rand(HEX, 64, 90)),  # hex, caught by name
    ("secret_assignment", 'SECRET_KEY = "{s}"', "django-insecure-" + rand(B62, 20, 91)),
    ("secret_assignment", 'app.config["SECRET_KEY"] = b"{s}"', "flask-dev-key"),
    ("secret_assignment", "auth = '{s}'", "user:pa55word"),
    ("secret_assignment", "credentials = '{s}'", "svc-acct:Zq81x"),
    ("secret_assignment", 'api_key = "{s}"', "-".join(rand(HEX, n, 92 + n) for n in (8, 4, 4, 4, 12))),
    ("secret_assignment", 'url = "https://api.example.com/v1/rates?access_key={s}&format=json"', "Q9xL2mP7"),
    ("secret_assignment", 'encryption_key: str = "{s}"', "aes-key-000111"),
    ("password_assignment", 'PASSWORD = """{s}"""', "triple-Pw9"),
    ("secret_assignment", "API_TOKEN = '''{s}'''", "triple-tok9"),
    ("password_assignment", 'ds.setPassword("{s}");', "java-Setter1"),
    ("secret_assignment", 'client = builder.withApiKey("{s}").build()', "with-key-42"),
    ("password_assignment", 'cmd = "pg_dump --password={s} --verbose"', "cli-Pass-3"),
    ("password_assignment", "spring.datasource.password={s}\n", "props-pw-7"),
    ("password_assignment", "<settings><password>{s}</password></settings>", "maven-Pw-8"),
    ("secret_assignment", "<add key='x'/><client_secret>{s}</client_secret>", "xml-sec-11"),
]


def assert_redacted(kind: str, template: str, secret: str) -> RedactionResult:
    text = template.format(s=secret)
    result = redact_secrets(text)
    assert secret not in result.text.replace(f"<redacted:{kind}>", ""), result.text
    assert template.format(s=f"<redacted:{kind}>") == result.text
    assert result.redacted
    assert [f.kind for f in result.findings] == [kind]
    (finding,) = result.findings
    assert text[finding.start : finding.end] == secret  # offsets in the original text
    return result


@pytest.mark.parametrize(("kind", "template", "secret"), POSITIVE, ids=[f"{c[0]}-{i}" for i, c in enumerate(POSITIVE)])
def test_token_formats_are_redacted(kind: str, template: str, secret: str) -> None:
    assert_redacted(kind, template, secret)


@pytest.mark.parametrize(
    ("kind", "template", "secret"), ASSIGNMENTS, ids=[f"{c[0]}-{i}" for i, c in enumerate(ASSIGNMENTS)]
)
def test_values_assigned_to_secret_names_are_redacted(kind: str, template: str, secret: str) -> None:
    assert_redacted(kind, template, secret)


def test_every_kind_has_a_case() -> None:
    covered = {case[0] for case in POSITIVE + ASSIGNMENTS}
    assert covered == set(KINDS)
    assert len(KINDS) >= 25


def test_placeholder_keeps_the_code_around_the_secret() -> None:
    key = "sk-" + rand(B62, 48, 100)
    assert redact_secrets(f'API_KEY = "{key}"').text == 'API_KEY = "<redacted:openai_api_key>"'


def test_overlapping_findings_become_one_placeholder_named_by_the_most_specific() -> None:
    token = "ghp_" + rand(B62, 36, 101)
    text = f'GITHUB_TOKEN = "prefix:{token}"'
    result = redact_secrets(text)
    assert result.text == 'GITHUB_TOKEN = "<redacted:github_token>"'
    assert result.findings == (SecretFinding("github_token", text.index("prefix"), text.index(token) + len(token)),)


def test_merge_takes_the_union_of_chained_overlaps() -> None:
    merged = redact._merge(
        [("secret_assignment", 0, 10, 2), ("github_token", 5, 15, 0), ("jwt", 14, 20, 0), ("x", 20, 22, 3)]
    )
    assert merged == [SecretFinding("github_token", 0, 20), SecretFinding("x", 20, 22)]


def test_private_key_variants() -> None:
    escaped = pem("RSA", 102).replace("\n", "\\n")  # a service-account JSON
    text = f'{{"type": "service_account", "private_key": "{escaped}\\n", "client_email": "a@b.c"}}'
    result = redact_secrets(text)
    assert "BEGIN" not in result.text and "END" not in result.text
    assert '"client_email": "a@b.c"' in result.text
    truncated = pem("EC", 103).split("-----END")[0]  # no END line: redact the whole body
    result = redact_secrets(f"key = '''{truncated}'''\nnext_line = 1\n")
    assert result.text == "key = '''<redacted:private_key>\n'''\nnext_line = 1\n"


def test_only_the_password_of_a_url_goes() -> None:
    result = redact_secrets('DSN = "postgres://reporting:Xk29dLq8@db.example.com:5432/sales"')
    assert result.text == 'DSN = "postgres://reporting:<redacted:database_password>@db.example.com:5432/sales"'


def test_several_secrets_in_one_body() -> None:
    token = "ghp_" + rand(B62, 36, 104)
    aws = "AKIA" + rand(string.ascii_uppercase, 16, 105)
    body = f'''def deploy(env):
    gh = Github("{token}")
    session = boto3.Session(aws_access_key_id="{aws}")
    password = os.environ["DEPLOY_PASSWORD"]
    return gh, session, password
'''
    result = redact_secrets(body)
    assert [f.kind for f in result.findings] == ["github_token", "aws_access_key_id"]
    assert token not in result.text and aws not in result.text
    assert 'password = os.environ["DEPLOY_PASSWORD"]' in result.text


# --------------------------------------------------------------------------------------------
# False positives: ordinary code stays as it is.

NOT_SECRETS = [
    # long identifiers and names
    "result = compute_the_weighted_average_of_all_samples_in_window(samples)",
    'handler = "ABPeoplePickerNavigationControllerDelegate"',
    'fn = "CopySourceSSECustomerKeyMD5"',
    'c_function_name = "CPyList_GetItemInt64Borrow"',
    '__all__ = ["DefaultAsyncHttpx2Client", "PendingDeprecationWarning"]',
    'HAVE_FEATURE = "HAVE_RL_COMPLETION_APPEND_CHARACTER"',
    # URLs without credentials, emails, file paths
    'url = "https://api.github.com/repos/python/cpython/pulls?state=open&per_page=100"',
    'DOCS = "https://docs.python.org/3/library/secrets.html#secrets.token_hex"',
    'contact = "security@example.org"',
    'path = "/home/user/projects/app/secrets/config.yaml"',
    'win = r"C:\\Users\\me\\AppData\\Local\\Programs\\Python"',
    'model = "Qwen/Qwen3-Coder-480B-A35B-Instruct"',
    # ids and hashes in non-secret context
    'request_id = "6fa459ea-ee8a-3ca4-894e-db77e160355e"',
    "user = User(id=UUID('12345678-1234-5678-1234-567812345678'))",
    'EXPECTED_SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
    'digest = "d41d8cd98f00b204e9800998ecf8427e"',
    'commit = "3f9c2a1b7e"',
    # colors, numbers, versions
    'color = "#ff8800"',
    "style = {Token: '#cccccc', Token.Keyword: 'bold #005500'}",
    'version = "3.11.7"',
    'SERVER_AUTH = "1.3.6.1.5.5.7.3.1"',
    "input_cost_per_token: 1.5e-06,",
    # prose and formatting
    'msg = "The secret to good software is to keep the password out of the source code."',
    'log.info("token expired for user %s, refreshing", user)',
    'prompt = f"Enter the password for {user}: "',
    'password_prompt = "Password: "',
    'raise ValueError("invalid token: expected three segments")',
    "# keep the secret in a vault, never in code",
    "# TODO: rotate the api key every 90 days",
    # base64-looking but low-entropy or encoded text
    'ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"',
    'padding = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"',
    'b64 = "VGhlc2UgYXJlbid0IHRoZSBkcm9pZHMgeW91J3JlIGxvb2tpbmcgZm9y"',
    'sep = "================================================"',
    # secret names bound to code, not to values
    'password = input("Password: ")',
    "password = getpass.getpass()",
    "token = get_token()",
    "token = self.token",
    "api_key = os.environ['OPENAI_API_KEY']",
    'api_key = os.environ.get("OPENAI_API_KEY", "")',
    "secret = settings.SECRET_KEY",
    'if password == "":',
    "if token != EXPECTED_TOKEN:",
    "password: str",
    "def login(user: str, password: str | None = None) -> Token:",
    'def reset(token: "Token[Span | None]") -> None:',
    'credentials: "Credentials | None" = None,',
    "for token in tokenize(source):",
    "token_count = len(tokens)",
    "password_hash = hash_password(password, salt)",
    "auth = HTTPBasicAuth(username, password)",
    "conn = connect(password=pw)",
    "auth: AuthTypes | UseClientDefault | None = httpx.USE_CLIENT_DEFAULT,",
    # placeholders and templates
    'password = ""',
    'PASSWORD = "******"',
    'api_key = "sk-..."',
    'api_key = "<your-api-key>"',
    'API_KEY = "YOUR_API_KEY_HERE"',
    'token = "{token}"',
    'dsn = "postgres://%s:%s@%s/%s" % (user, password, host, db)',
    'url = f"https://{user}:{password}@{host}/"',
    'password = "${DB_PASSWORD}"',
    'TOKEN_ENV = "GITHUB_TOKEN"\ntoken = "GITHUB_TOKEN"',
    'token_type = "access_token"',
    'auth_header = "X-Api-Key"',
    'header = "x-api-key"',
    'mask_token = "[MASK]"',
    'bos_token = "<|begin_of_text|>"',
    'auth = "password"',
    'oauth2 = "oauth2"',
    'ManagedIdentityCredential = "ManagedIdentityCredential"',
    'NO_AUTH = "no-auth"',
    'api_key = "dummy-key-for-tests"',
    "capabilities = 'LOGINDISABLED AUTH=CRAM-MD5'",
    "# token = 1*tchar would be ABNF; this one is prose",
    'stripe.publishable = "pk_live_" + suffix',
    'key = "pk_live_0123456789abcdefABCDEF"',  # publishable: public by design
    'password = "pwd"',  # too short to be a password worth hiding (< 6)
    'PWD = "/home/user/src"',
    'creds_file = "~/.aws/credentials"',
    'webhook = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"',
    # regexes, messages and identifiers assigned to secret-looking names
    "jsonnet_token = r'[^\\W\\d]\\w*'",
    'HELP_TOKEN = "Use a User Access Token. Prefer setting HF_TOKEN instead."',
    'REJECTED_TOKEN = "subject token was rejected by the gateway"',
    'api_key = "byok_session_cookie"',
    "# the IdP stamps it on the bearer SubjectConfirmationData, from there",
    'headers = {"Authorization": "Bearer os.environ/COHERE_API_KEY"}',
    'headers = {"Authorization": f"Bearer {token}"}',
    # calls and keyword arguments
    'x = get_token("github-main")',
    "connect(\n    host=host_name,\n    password=password_value,\n)",
    "<password>${env.DB_PASSWORD}</password>",
    '"api_key": "os.environ/PERPLEXITYAI_API_KEY",',
    'SLACK = "xoxb-XXXXXXXXXXXX-XXXXXXXXXXXXX"',
    'token = "example-token-value"',
    'api_key = "X-Api-Key"',
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_ordinary_code_is_not_redacted(text: str) -> None:
    result = redact_secrets(text)
    assert result.findings == (), result.findings
    assert result.text == text
    assert not result.redacted


def test_basic_word_after_basic_is_not_a_credential() -> None:
    assert not redact_secrets("Basic authentication is configured in settings.py").redacted
    assert not redact_secrets("# Bearer tokenauthenticationhandlers are registered").redacted


# --------------------------------------------------------------------------------------------
# Robustness and idempotence.


def all_cases() -> list[str]:
    return [template.format(s=secret) for _, template, secret in POSITIVE + ASSIGNMENTS] + NOT_SECRETS


@pytest.mark.parametrize("text", all_cases())
def test_redaction_is_idempotent(text: str) -> None:
    once = redact_secrets(text)
    twice = redact_secrets(once.text)
    assert twice.text == once.text
    assert twice.findings == ()


def test_redaction_of_a_whole_mixed_file_is_idempotent() -> None:
    text = "\n".join(all_cases())
    once = redact_secrets(text)
    assert len(once.findings) >= len(POSITIVE) + len(ASSIGNMENTS)
    assert redact_secrets(once.text).text == once.text
    for finding in once.findings:
        assert 0 <= finding.start < finding.end <= len(text)


WEIRD = [
    "",
    "\x00",
    'password = "\x00\x00\x00\x00\x00\x00"',
    "token = '🔑🔑🔑🔑🔑🔑'",
    "İİİİ password = 'İstanbul-2024' İİİ",  # characters that grow when lower-cased
    "\ud800 lone surrogate password='abcdef1'",
    "\r\n".join(["API_KEY=abc123def", "x = 1"]),
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----END RSA PRIVATE KEY-----",
    "://:@",
    "eyJ.eyJ.",
    "Bearer ",
    "password=",
    "password = '",
    '"' * 7,
]


@pytest.mark.parametrize("text", WEIRD)
def test_odd_input_never_raises(text: str) -> None:
    result = redact_secrets(text)
    assert isinstance(result.text, str)
    assert redact_secrets(result.text).text == result.text
    assert not any(f.kind == "unredactable" for f in result.findings)


def test_fuzzed_input_never_raises_and_is_idempotent() -> None:
    rng = random.Random(1234)
    atoms = [
        "password", "token", "=", ":", '"', "'", "`", " ", "\n", "://", "@", "Bearer ", "ghp_", "sk-",
        "AKIA", "eyJ", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "\\", "{", "}",
        "%s", "$", "İ", "é", "\x00", "🔑", "AccountKey=", "key-", ".", "_", "-", *B62,
    ]  # fmt: skip
    for _ in range(1500):
        text = "".join(rng.choice(atoms) for _ in range(rng.randint(0, 80)))
        once = redact_secrets(text)
        assert not any(f.kind == "unredactable" for f in once.findings), text
        assert redact_secrets(once.text).text == once.text, text


def test_internal_error_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(text: str, lowered: str) -> Iterator[tuple[str, int, int, int]]:
        raise RuntimeError("bug")

    monkeypatch.setattr(redact, "_SCANNERS", (broken,))
    result = redact_secrets("password = 'hunter22'")
    assert result.text == "<redacted:unredactable>"
    assert result.findings == (SecretFinding("unredactable", 0, 21),)


def test_non_string_input_fails_closed() -> None:
    result = redact_secrets(b"password = 'hunter22'")  # type: ignore[arg-type]
    assert result.text == "<redacted:unredactable>"


# Input built to make a careless pattern slow (tests/support/redaction.py). What redaction
# returns for it is checked here; how long it takes, against ordinary code of the same size,
# by benchmarks/bench_redact.py.
ADVERSARIAL_FINDINGS = {
    "begin": {"private_key": 3_000},  # every BEGIN line without its END goes
    "begin-body": {"private_key": 1},  # "QUJD" lines are too short to be a key's body
    "basic": {"basic_auth": 3_000},
    "jwt-dots": {"jwt": 1_333},  # three dotted segments per token
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_input_is_redacted_exactly(name: str) -> None:
    text = ADVERSARIAL[name]
    result = redact_secrets(text)
    assert Counter(f.kind for f in result.findings) == ADVERSARIAL_FINDINGS.get(name, {})  # never "unredactable"
    parts, cursor = [], 0
    for finding in result.findings:  # in order, apart, inside the text, each one placeholder
        assert cursor <= finding.start < finding.end <= len(text)
        parts += [text[cursor : finding.start], f"<redacted:{finding.kind}>"]
        cursor = finding.end
    assert result.text == "".join(parts) + text[cursor:]
    assert redact_secrets(result.text).text == result.text


# --------------------------------------------------------------------------------------------
# Calibration of the high-entropy detector.


@pytest.mark.parametrize(("alphabet", "length", "minimum_rate"), [(B62, 24, 0.97), (B62, 40, 0.99), (B64, 64, 0.995)])
def test_random_keys_are_detected(alphabet: str, length: int, minimum_rate: float) -> None:
    rng = random.Random(length)
    samples = ["".join(rng.choice(alphabet) for _ in range(length)) for _ in range(2_000)]
    detected = sum(redact_secrets(f'x = "{sample}"').redacted for sample in samples)
    assert detected / len(samples) >= minimum_rate


def test_shannon_entropy() -> None:
    assert redact.shannon_entropy("") == 0.0
    assert redact.shannon_entropy("aaaa") == 0.0
    assert redact.shannon_entropy("abcd") == pytest.approx(2.0)
    assert redact.shannon_entropy("".join(chr(65 + i) for i in range(32))) == pytest.approx(5.0)


def stdlib_sources() -> list[Path]:
    root = Path(sys.base_prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    skip = {"test", "tests", "idle_test", "site-packages", "__pycache__"}
    return [path for path in root.rglob("*.py") if not skip & set(path.relative_to(root).parts)]


@pytest.mark.skipif(not stdlib_sources(), reason="no standard library sources on this machine")
def test_the_standard_library_is_almost_clean() -> None:
    """Calibration guard: CPython 3.11's library (without tests) yields two findings, both in
    comments or docstrings: ABNF `token = 1*tchar` in http/client.py and the example password
    `passwd='geheim$parole'` in urllib/request.py."""
    findings = []
    for path in stdlib_sources():
        text = path.read_text(encoding="utf-8", errors="replace")
        findings += [(path.name, text[f.start : f.end]) for f in redact_secrets(text).findings]
    assert len(findings) <= 5, findings
