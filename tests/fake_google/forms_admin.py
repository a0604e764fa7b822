"""Forms v1 forms.create, forms.batchUpdate and forms.setPublishSettings for the fake, and answering a form.

Bodies are checked against the forms v1 discovery document, then against the
rules Google enforces beyond the schema: forms.create copies the title only
and (since 30 June 2026) leaves the form unpublished; a batchUpdate applies
all its requests or none; a choice needs a type and distinct, non-empty
options; navigation (goToSectionId / goToAction) only on RADIO and DROP_DOWN
options, to a section header of the same form; no line break in a title or an
option; file-upload questions cannot be created.

`respond` answers a form the way a respondent could: only when it is
published and accepting responses, only options it offers, through the
sections its navigation leads to, every required question of those sections
answered.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from .discovery import validate
from .forms import FormsData, form_response
from .sheets import ApiError

_KINDS = ("questionItem", "questionGroupItem", "pageBreakItem", "textItem", "imageItem", "videoItem")
_REQUESTS = ("createItem", "updateItem", "deleteItem", "moveItem", "updateFormInfo", "updateSettings")
_ids = itertools.count(0x1A2B3C00)


def _new_id() -> str:
    return f"{next(_ids):08x}"


def create(data: FormsData, body: Any, query: Mapping[str, str]) -> dict[str, Any]:
    validate("forms", "v1", "Form", body)
    info = body.get("info") or {}
    if not info.get("title"):
        raise ApiError(400, "Form title is required.")
    extra = {k for k in body if k != "info"} | {k for k in info if k not in ("title", "documentTitle")}
    if extra:
        raise ApiError(
            400, f"Only info.title and info.documentTitle may be set on create, not {sorted(extra)}."
        )
    form_id = "1FAIpQL" + _new_id() + _new_id()
    data.add_form(form_id, str(info["title"]), [], [])
    form = data.forms[form_id]
    form["info"]["documentTitle"] = str(info.get("documentTitle") or info["title"])
    form["revisionId"] = "00000001"
    # Forms made through the API after 30 June 2026 start unpublished, whatever `unpublished` says.
    form["publishSettings"] = {"publishState": {"isPublished": False, "isAcceptingResponses": False}}
    return copy.deepcopy(form)


def batch_update(data: FormsData, form_id: str, body: Any) -> dict[str, Any]:
    validate("forms", "v1", "BatchUpdateFormRequest", body)
    form = copy.deepcopy(data.get_form(form_id))
    required = (body.get("writeControl") or {}).get("requiredRevisionId")
    if required is not None and required != form.get("revisionId"):
        raise ApiError(
            400,
            f"The required revision ID {required} does not match the latest revision {form.get('revisionId')}.",
            status="FAILED_PRECONDITION",
        )
    replies: list[dict[str, Any]] = []
    for n, request in enumerate(body.get("requests") or []):
        kinds = [k for k in _REQUESTS if k in request]
        if len(kinds) != 1:
            raise ApiError(400, f"requests[{n}]: exactly one kind of request is allowed, got {kinds}")
        replies.append(_apply(form, kinds[0], request[kinds[0]], f"requests[{n}]"))
    _check_navigation(form)
    form["revisionId"] = f"{int(form.get('revisionId', '0'), 16) + 1:08x}"
    data.forms[form_id] = form  # all or nothing
    out: dict[str, Any] = {"replies": replies, "writeControl": {"requiredRevisionId": form["revisionId"]}}
    if body.get("includeFormInResponse"):
        out["form"] = copy.deepcopy(form)
    return out


def set_publish_settings(data: FormsData, form_id: str, body: Any) -> dict[str, Any]:
    validate("forms", "v1", "SetPublishSettingsRequest", body)
    form = data.get_form(form_id)
    state = (body.get("publishSettings") or {}).get("publishState")
    if not isinstance(state, dict) or "isPublished" not in state or "isAcceptingResponses" not in state:
        raise ApiError(400, "publish_state needs both is_published and is_accepting_responses.")
    mask = body.get("updateMask", "publish_state")
    if mask not in ("publish_state", "*"):
        raise ApiError(400, f"Invalid update mask: {mask}")
    accepting = bool(state["isPublished"]) and bool(state["isAcceptingResponses"])
    form["publishSettings"] = {
        "publishState": {"isPublished": bool(state["isPublished"]), "isAcceptingResponses": accepting}
    }
    return {"formId": form_id, "publishSettings": copy.deepcopy(form["publishSettings"])}


def _apply(form: dict[str, Any], kind: str, req: dict[str, Any], where: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = form.setdefault("items", [])
    if kind == "updateFormInfo":
        mask = _mask(req, where)
        for field in mask:
            if field not in ("title", "description"):
                raise ApiError(400, f"{where}: info field '{field}' cannot be updated")
            form["info"][field] = (req.get("info") or {}).get(field, "")
        return {}
    if kind == "updateSettings":
        _mask(req, where)
        form.setdefault("settings", {}).update(req.get("settings") or {})
        return {}
    if kind == "createItem":
        index = _index(req, len(items) + 1, where)
        item = copy.deepcopy(req.get("item") or {})
        _check_item(item, items, where)
        item["itemId"] = item.get("itemId") or _new_id()
        reply: dict[str, Any] = {"itemId": item["itemId"]}
        question = (item.get("questionItem") or {}).get("question")
        if question is not None:
            question["questionId"] = question.get("questionId") or _new_id()
            reply["questionId"] = [question["questionId"]]
        items.insert(index, item)
        return {"createItem": reply}
    if kind == "updateItem":
        index = _index(req, len(items), where)
        new = req.get("item") or {}
        old = items[index]
        if new.get("itemId") and new["itemId"] != old["itemId"]:
            raise ApiError(400, f"{where}: the item at index {index} is {old['itemId']}, not {new['itemId']}")
        merged = copy.deepcopy(old)
        for path in _mask(req, where):
            _set_path(merged, new, path.split("."))
        _check_item(merged, [i for i in items if i is not old], where)
        items[index] = merged
        return {}
    if kind == "deleteItem":
        items.pop(_index(req, len(items), where))
        return {}
    raise ApiError(400, f"{where}: {kind} is not supported by this fake")


def _mask(req: Mapping[str, Any], where: str) -> list[str]:
    mask = str(req.get("updateMask") or "")
    if not mask:
        raise ApiError(400, f"{where}: updateMask is required")
    return [m.strip() for m in mask.split(",")]


def _index(req: Mapping[str, Any], limit: int, where: str) -> int:
    index = int((req.get("location") or {}).get("index", -1))
    if not 0 <= index < limit:
        raise ApiError(400, f"{where}: location.index {index} is out of range [0, {limit})")
    return index


def _set_path(target: dict[str, Any], source: Mapping[str, Any], path: list[str]) -> None:
    head, rest = path[0], path[1:]
    if not rest:
        if head in source:
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    inner = source.get(head)
    _set_path(target.setdefault(head, {}), inner if isinstance(inner, Mapping) else {}, rest)


def _check_item(item: Mapping[str, Any], others: Sequence[Mapping[str, Any]], where: str) -> None:
    kinds = [k for k in _KINDS if k in item]
    if len(kinds) != 1:
        raise ApiError(400, f"{where}: an item needs exactly one kind, got {kinds}")
    if "\n" in str(item.get("title", "")):
        raise ApiError(400, f"{where}: Titles cannot contain newlines.")
    if item.get("itemId") and any(o.get("itemId") == item["itemId"] for o in others):
        raise ApiError(400, f"{where}: item id {item['itemId']} is already used")
    question = (item.get("questionItem") or {}).get("question")
    if "questionItem" in item and not isinstance(question, Mapping):
        raise ApiError(400, f"{where}: questionItem.question is required")
    if not isinstance(question, Mapping):
        return
    if "fileUploadQuestion" in question:
        raise ApiError(400, f"{where}: File upload questions cannot be created through the API.")
    kinds = [k for k in question if k.endswith("Question")]
    if len(kinds) != 1:
        raise ApiError(400, f"{where}: a question needs exactly one kind, got {kinds}")
    choice = question.get("choiceQuestion")
    if choice is None:
        return
    kind = choice.get("type", "CHOICE_TYPE_UNSPECIFIED")
    if kind == "CHOICE_TYPE_UNSPECIFIED":
        raise ApiError(400, f"{where}: choiceQuestion.type is required")
    values = [str(o.get("value", "")) for o in choice.get("options") or []]
    if not values:
        raise ApiError(400, f"{where}: a choice question needs options")
    if any(not v.strip() or "\n" in v for v in values):
        raise ApiError(400, f"{where}: an option value is empty or has a line break")
    if len(set(values)) != len(values):
        raise ApiError(400, f"{where}: Duplicate option values are not allowed.")
    for option in choice.get("options") or []:
        navigates = "goToSectionId" in option or option.get("goToAction")
        if navigates and kind not in ("RADIO", "DROP_DOWN"):
            raise ApiError(400, f"{where}: navigation is only allowed on RADIO and DROP_DOWN options")
        if "goToSectionId" in option and option.get("goToAction"):
            raise ApiError(400, f"{where}: an option has both goToSectionId and goToAction")


def _check_navigation(form: Mapping[str, Any]) -> None:
    sections = {i["itemId"] for i in form.get("items", []) if "pageBreakItem" in i}
    for item in form.get("items", []):
        question = (item.get("questionItem") or {}).get("question") or {}
        for option in (question.get("choiceQuestion") or {}).get("options") or []:
            target = option.get("goToSectionId")
            if target is not None and target not in sections:
                raise ApiError(
                    400, f"Item {item['itemId']}: goToSectionId {target} is not a section of this form"
                )


def share(data: FormsData, file_id: str, body: Any) -> dict[str, Any]:
    """Drive v3 permissions.create on a form: who may edit it."""
    validate("drive", "v3", "Permission", body)
    data.get_form(file_id)
    if body.get("type") == "user" and "@" not in str(body.get("emailAddress", "")):
        raise ApiError(400, "The permission must have an email address for type user.")
    permission = {"kind": "drive#permission", "id": _new_id(), **body}
    data.permissions.setdefault(file_id, []).append(permission)
    return permission


# ---------------------------------------------------------------- answering


def respond(
    data: FormsData,
    form_id: str,
    response_id: str,
    submitted: str,
    answers: Mapping[str, str],
    *,
    email: str | None = None,
) -> dict[str, Any]:
    """Submit `answers` (questionId -> text) as a respondent would; ValueError if a respondent could not."""
    form = data.get_form(form_id)
    state = (form.get("publishSettings") or {}).get("publishState") or {}
    if form.get("publishSettings") and not state.get("isAcceptingResponses"):
        raise ValueError(f"form {form_id} is not accepting responses")
    pages: list[tuple[str, list[dict[str, Any]]]] = [("", [])]
    for item in form.get("items", []):
        if "pageBreakItem" in item:
            pages.append((item["itemId"], []))
        else:
            pages[-1][1].append(item)
    index = {key: n for n, (key, _) in enumerate(pages)}
    visited: set[str] = set()
    page = 0
    while page < len(pages):
        go_to: int | None = None
        for item in pages[page][1]:
            question = (item.get("questionItem") or {}).get("question")
            if not question:
                continue
            qid = question["questionId"]
            visited.add(qid)
            value = answers.get(qid)
            if value is None:
                if question.get("required"):
                    raise ValueError(f"required question {item.get('title')!r} is not answered")
                continue
            options = (question.get("choiceQuestion") or {}).get("options")
            if options is None:
                continue
            chosen = next((o for o in options if o["value"] == value), None)
            if chosen is None:
                raise ValueError(f"{value!r} is not an option of {item.get('title')!r}")
            if chosen.get("goToAction") == "SUBMIT_FORM":
                go_to = len(pages)
            elif chosen.get("goToSectionId"):
                go_to = index[chosen["goToSectionId"]]
        page = go_to if go_to is not None else page + 1
    stray = set(answers) - visited
    if stray:
        raise ValueError(f"answers to questions the respondent never reaches: {sorted(stray)}")
    response = {**form_response(response_id, submitted, answers, email=email), "formId": form_id}
    data.responses.setdefault(form_id, []).append(response)
    return response
