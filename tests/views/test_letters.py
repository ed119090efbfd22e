"""Letter screens: the queue and its filters, a letter's page, resend, print queue, templates."""

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from sponsorship.extensions import db
from sponsorship.models import Letter, LetterTemplate
from sponsorship.models.enums import Channel, LetterKind, LetterStatus, Role
from sponsorship.services.letters.queue import queue_letter
from tests import factories
from tests.conftest import count, post_form


def _queue(channel=Channel.POST, kind=LetterKind.APPEAL, region=None, **fields):
    sponsor = factories.make_letter_sponsor(channel=channel, region=region, **fields)
    letter = queue_letter(kind, sponsor, f"sponsor:{sponsor.id}")
    db.session.commit()
    return letter


def test_the_queue_lists_and_filters_letters(client, auth):
    posted = _queue(Channel.POST, LetterKind.APPEAL)
    emailed = _queue(Channel.EMAIL, LetterKind.APPROVAL)
    auth.as_role(Role.STAFF)
    page = client.get("/letters/").get_data(as_text=True)
    assert posted.recipient_name in page and emailed.recipient_name in page
    only_email = client.get("/letters/?channel=email&kind=&status=").get_data(as_text=True)
    assert emailed.recipient_name in only_email and posted.recipient_name not in only_email
    by_kind = client.get("/letters/?kind=appeal").get_data(as_text=True)
    assert posted.recipient_name in by_kind and emailed.recipient_name not in by_kind
    none = client.get("/letters/?status=failed").get_data(as_text=True)
    assert "No letters match" in none or "没有符合" in none


def test_town_staff_see_only_their_towns_letters(client, auth):
    mine, theirs = factories.make_region("甲镇"), factories.make_region("乙镇")
    own = _queue(region=mine)
    other = _queue(region=theirs)
    auth.as_role(Role.STAFF, scope=mine)
    page = client.get("/letters/").get_data(as_text=True)
    assert own.recipient_name in page and other.recipient_name not in page
    assert client.get(f"/letters/{own.id}").status_code == 200
    assert client.get(f"/letters/{other.id}").status_code == 404


def test_viewers_and_sponsors_cannot_open_the_letters(client, auth):
    letter = _queue()
    for role in (Role.VIEWER, Role.SPONSOR):
        auth.as_role(role)
        assert client.get("/letters/").status_code == 403
        assert client.get("/letters/print").status_code == 403
        assert client.get(f"/letters/{letter.id}").status_code == 403
        auth.logout()


def test_a_letters_page_and_resending_a_failed_email(client, auth):
    letter = _queue(Channel.EMAIL, LetterKind.APPROVAL)
    letter.status = LetterStatus.FAILED
    letter.last_error = "550 5.1.1 No such user"
    db.session.commit()
    auth.as_role(Role.STAFF)
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "550 5.1.1 No such user" in page and letter.subject in page
    url = f"/letters/{letter.id}/resend"
    response = post_form(client, url, token_from=f"/letters/{letter.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/letters/{letter.id}"
    db.session.refresh(letter)
    assert letter.status == LetterStatus.QUEUED


def test_print_queue_pdf_and_mark_printed(client, auth):
    letters = [_queue(Channel.POST) for _ in range(2)]
    _queue(Channel.EMAIL)
    auth.as_role(Role.STAFF)
    page = client.get("/letters/print").get_data(as_text=True)
    for letter in letters:
        assert letter.recipient_name in page
    ids = re.search(r'name="letter_ids"[^>]*value="([^"]*)"', page).group(1)
    assert sorted(ids.split(",")) == sorted(str(letter.id) for letter in letters)
    response = client.get(f"/letters/print.pdf?ids={ids}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "".join("".join(p.extract_text() for p in reader.pages).replace("\x00", "").split())
    for letter in letters:
        assert "".join(letter.body.split()) in text
    late = _queue(Channel.POST)  # arrives after the page was opened: stays in the queue
    post_form(client, "/letters/print/mark", {"letter_ids": ids}, token_from="/letters/print")
    assert count(Letter, Letter.status == LetterStatus.PRINTED) == 2
    db.session.refresh(late)
    assert late.status == LetterStatus.QUEUED


def test_an_empty_print_queue_says_what_happens_next(client, auth):
    auth.as_role(Role.STAFF)
    page = client.get("/letters/print").get_data(as_text=True)
    assert "没有等待打印的信件" in page or "No letter is waiting" in page


def test_template_editor_previews_saves_versions_and_shows_history(client, auth):
    auth.as_role(Role.ADMIN)
    url = "/letters/templates/approval/zh"
    page = client.get(url).get_data(as_text=True)
    assert "欢迎您成为爱心父母" in page and "王丽华" in page  # preview of the built-in text
    preview = post_form(
        client,
        url,
        {"subject": "新标题 {{ name }}", "body": "正文 {{ name }}", "preview": "1"},
        token_from=url,
    ).get_data(as_text=True)
    assert "新标题 王丽华" in preview and count(LetterTemplate) == 0
    saved = post_form(
        client,
        url,
        {"subject": "新标题 {{ name }}", "body": "正文 {{ name }}", "save": "1"},
        token_from=url,
    )
    assert saved.status_code == 302 and saved.headers["Location"] == url
    stored = db.session.scalar(sa.select(LetterTemplate))
    assert (stored.subject, stored.body) == ("新标题 {{ name }}", "正文 {{ name }}")
    post_form(client, url, {"subject": "第二版", "body": "第二版正文", "save": "1"}, token_from=url)
    assert count(LetterTemplate) == 2
    page = client.get(url).get_data(as_text=True)
    assert "第二版" in page and "新标题 {{ name }}" in page
    old = client.get(url + "?version=1").get_data(as_text=True)
    assert "正文 {{ name }}" in old
    index = client.get("/letters/templates/").get_data(as_text=True)
    assert "url_for" not in index and "/letters/templates/appeal/en" in index


def test_a_broken_template_shows_the_error_and_keeps_the_text(client, auth):
    auth.as_role(Role.ADMIN)
    url = "/letters/templates/appeal/en"
    page = post_form(
        client, url, {"subject": "Hi", "body": "{% if %}broken", "save": "1"}, token_from=url
    ).get_data(as_text=True)
    assert "{% if %}broken" in page and 'class="error"' in page
    assert "{{ name }}" in page and "{{ child.given_name }}" not in page
    assert count(LetterTemplate) == 0


def test_only_admins_edit_templates(client, auth):
    auth.as_role(Role.STAFF)
    url = "/letters/templates/approval/zh"
    assert client.get("/letters/templates/").status_code == 403
    assert client.get(url).status_code == 403
    response = post_form(
        client, url, {"subject": "改", "body": "改", "save": "1"}, token_from="/dashboard"
    )
    assert response.status_code == 403 and count(LetterTemplate) == 0


def test_the_editor_lists_the_placeholders_of_the_kind(client, auth):
    auth.as_role(Role.ADMIN)
    page = client.get("/letters/templates/pairing_notice/zh").get_data(as_text=True)
    for name in ("name", "child.given_name", "child.age", "child.stage", "child.town"):
        assert "{{ " + name + " }}" in page


def test_staff_never_see_a_password_reset_link(client, auth):
    sponsor = factories.make_letter_sponsor(channel=Channel.EMAIL)
    letter = queue_letter(
        LetterKind.PASSWORD_RESET,
        sponsor,
        "password-reset-1",
        link="https://example.org/portal/reset/SECRET-TOKEN",
    )
    db.session.commit()
    assert "SECRET-TOKEN" in letter.body  # the caring parent's email carries it
    auth.as_role(Role.ADMIN)
    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "SECRET-TOKEN" not in page and "不向工作人员显示" in page
