"""A form design as Google Forms API v1 request bodies. Pure.

forms.create copies only the title, so the form is built in two batchUpdates:
the first sets the description and creates every item in order; the second,
once Google has named the sections (the first batch's replies carry their
item ids), points the district and tambon options at them (`goToSectionId`).
The form is created unpublished and published last, so no district sees it
half-built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.errors import BackendError
from pipeline.formdesign.design import SUBMIT, Choice, FormDesign, Question

_CHOICE_TYPES = {"dropdown": "DROP_DOWN", "radio": "RADIO"}


def create_body(design: FormDesign) -> dict[str, Any]:
    return {"info": {"title": design.title, "documentTitle": design.title}}


def _question(q: Question, sections: dict[str, str] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"required": q.required}
    if q.kind in _CHOICE_TYPES:
        body["choiceQuestion"] = {
            "type": _CHOICE_TYPES[q.kind],
            "options": [_option(c, sections) for c in q.options],
        }
    else:  # text and number: the API cannot add response validation
        body["textQuestion"] = {"paragraph": False}
    item: dict[str, Any] = {"title": q.title, "questionItem": {"question": body}}
    if q.description:
        item["description"] = q.description
    return item


def _option(choice: Choice, sections: dict[str, str] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"value": choice.value}
    if sections is None or not choice.go_to:
        return out
    if choice.go_to == SUBMIT:
        out["goToAction"] = "SUBMIT_FORM"
    else:
        out["goToSectionId"] = sections[choice.go_to]
    return out


def _items(design: FormDesign) -> list[tuple[str, Question | None, dict[str, Any]]]:
    """(section key, question or None for a section header, item body without navigation) in order."""
    out: list[tuple[str, Question | None, dict[str, Any]]] = []
    for section in design.sections:
        if section.key != "start":
            header: dict[str, Any] = {"title": section.title, "pageBreakItem": {}}
            if section.description:
                header["description"] = section.description
            out.append((section.key, None, header))
        out.extend((section.key, q, _question(q, None)) for q in section.questions if q.kind != "file")
    return out


def item_requests(design: FormDesign) -> list[dict[str, Any]]:
    """The first batchUpdate: the description, then every item, navigation left out."""
    requests: list[dict[str, Any]] = [
        {"updateFormInfo": {"info": {"description": design.description}, "updateMask": "description"}}
    ]
    requests += [
        {"createItem": {"item": item, "location": {"index": index}}}
        for index, (_, _, item) in enumerate(_items(design))
    ]
    return requests


def navigation_requests(design: FormDesign, replies: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The second batchUpdate: options leading to sections, now that the sections have ids."""
    items = _items(design)
    created = [r.get("createItem") for r in replies if "createItem" in r]
    if len(created) != len(items) or not all(isinstance(c, dict) and c.get("itemId") for c in created):
        raise BackendError(
            f"Google answered {len(created)} created items for the {len(items)} sent",
            where=f"form '{design.title}'",
            fix="delete the half-built form in Google Drive and run `pipeline forms build` again",
        )
    ids = [str(c["itemId"]) for c in created if isinstance(c, dict)]
    sections = {key: ids[i] for i, (key, q, _) in enumerate(items) if q is None}
    out = []
    for index, (_, q, _) in enumerate(items):
        if q is None or not any(c.go_to for c in q.options):
            continue
        item = _question(q, sections)
        item["itemId"] = ids[index]
        out.append(
            {
                "updateItem": {
                    "item": item,
                    "location": {"index": index},
                    "updateMask": "questionItem.question.choiceQuestion.options",
                }
            }
        )
    return out


def publish_body() -> dict[str, Any]:
    return {
        "publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}},
        "updateMask": "publish_state",
    }
