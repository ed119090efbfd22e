"""Read what a rendered page shows in the element that holds it, not anywhere on the page."""

from __future__ import annotations

import lxml.html


def _text(element) -> str:
    return " ".join(element.text_content().split())


def field_errors(page: str, name: str) -> list[str]:
    """Return the errors shown beside the form field called `name`."""
    tree = lxml.html.fromstring(page)
    found = tree.xpath(
        f"//div[contains(@class, 'field')][.//*[@name='{name}']]/small[@class='error']"
    )
    return [_text(e) for e in found]


def all_field_errors(page: str) -> list[str]:
    """Return every error shown beside a form field, in page order."""
    return [_text(e) for e in lxml.html.fromstring(page).xpath("//small[@class='error']")]


def flashes(page: str, category: str) -> list[str]:
    """Return the flashed messages of one category ("error", "success", "info")."""
    found = lxml.html.fromstring(page).xpath(f"//div[@class='flash flash-{category}']")
    return [_text(e) for e in found]


def table_rows(page: str, table: str = "//table") -> list[list[str]]:
    """Return the cells of a table's body, row by row (the first table unless told)."""
    tree = lxml.html.fromstring(page)
    [found] = tree.xpath(table)[:1] or [None]
    if found is None:
        return []
    return [[_text(td) for td in tr.findall("td")] for tr in found.xpath("./tbody/tr")]


def figure(page: str, label: str) -> str:
    """Return the figure a definition list gives beside `label`."""
    tree = lxml.html.fromstring(page)
    [dd] = tree.xpath(f"//dt[normalize-space(.)='{label}']/following-sibling::dd[1]")
    return _text(dd)
