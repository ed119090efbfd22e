"""SMTP over STARTTLS (with a login) and over implicit SSL, against aiosmtpd with a test CA."""

import email
import socket
import ssl
from datetime import UTC, datetime
from email import policy

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from sponsorship.letters import email as mail
from sponsorship.letters.channels import TemporaryDeliveryError


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    authority = trustme.CA()
    server_cert = authority.issue_cert("localhost")
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    return authority, server_cert, str(bundle)


def _server_context(server_cert):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)
    return context


def _message(settings):
    body = "尊敬的王丽华：您好！"
    sent_at = datetime(2026, 9, 1, tzinfo=UTC)
    return mail.build_message(
        settings, "parent@example.org", "感谢信", body, "<l-1@x.org>", sent_at
    )


def test_starttls_with_a_login(ca):
    _authority, server_cert, bundle = ca
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        server_hostname="localhost",
        tls_context=_server_context(server_cert),
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    try:
        settings = mail.SmtpSettings(
            host="localhost", port=controller.port, use_tls=True,
            username="letters", password="s3cret", ca_file=bundle,
        )  # fmt: skip
        mail.send(settings, _message(settings))
    finally:
        controller.stop()
    assert logins == [(b"letters", b"s3cret")]
    assert inbox.messages[0].get_content().strip() == "尊敬的王丽华：您好！"


def test_implicit_ssl(ca):
    _authority, server_cert, bundle = ca
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=_free_port(),
        server_hostname="localhost",
        ssl_context=_server_context(server_cert),
    )
    controller.start()
    try:
        settings = mail.SmtpSettings(
            host="localhost", port=controller.port, use_ssl=True, ca_file=bundle
        )
        mail.send(settings, _message(settings))
    finally:
        controller.stop()
    assert inbox.messages[0]["Subject"] == "感谢信"


def test_an_untrusted_certificate_is_refused_and_retried_later(ca):
    _authority, server_cert, _bundle = ca
    controller = Controller(
        Inbox(),
        hostname="127.0.0.1",
        port=_free_port(),
        server_hostname="localhost",
        ssl_context=_server_context(server_cert),
    )
    controller.start()
    try:
        settings = mail.SmtpSettings(host="localhost", port=controller.port, use_ssl=True)
        with pytest.raises(TemporaryDeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            mail.send(settings, _message(settings))
    finally:
        controller.stop()
