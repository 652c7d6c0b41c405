"""The settings form: marac.yaml section by section, checked by the policy gate before saving.

Opening the form records the file's SHA-256 in a hidden field. Every button (check, add or
remove an entry, save) rebuilds the text that would be saved and runs the gate on it, so the
messages ``marac check`` would print appear beside their fields. Save writes only when the
gate finds no errors and the file on disk is still the one the form was opened from.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from ..settings.loader import CONFIG_NAME
from . import settings_form, yaml_edit
from .safety import Refused, read_form
from .site import Site, gate_text, message_of


def _tree(raw: bytes, name: str):
    try:
        return yaml_edit.load_tree(raw)
    except yaml_edit.YAMLError as exc:
        raise Refused(400, f"{name} is not valid YAML, so it cannot be shown as a form; fix it in a text "
                           f"editor (marac check {name} says where). {exc}".strip()) from None


def routes(site: Site) -> list[Route]:
    """Return the settings form's routes."""

    def render(request, key, data, raw_hash, findings, *, status=200, saved=False, changed=None, new=False):
        sections = settings_form.build_form(data, site.library)
        placed, loose = settings_form.place_problems(findings, sections)
        errors = [p for p in findings if p.severity == "error"]
        return site.page(request, "settings.html", status=status, title=f"{key}: settings", key=key,
                         sections=sections, placed={k: [message_of(p) for p in v] for k, v in placed.items()},
                         loose=[message_of(p) for p in loose], errors=len(errors),
                         summary=[(settings_form.dom_id(path), f"{p.field}: {message_of(p)}" if p.field else message_of(p))
                                  for path, found in placed.items() for p in found if p.severity == "error"]
                                 + [("", message_of(p)) for p in loose if p.severity == "error"],
                         digest=raw_hash, saved=saved, changed=changed, new=new, dom=settings_form.dom_id)

    async def show(request: Request):
        key = request.path_params["key"]
        config = site.config(key)
        raw = config.read_bytes()
        digest = yaml_edit.digest(raw)
        site.remember(digest, raw)
        findings = list(gate_text(raw, site.library, site.day()).findings)
        return render(request, key, _tree(raw, f"{key}/{CONFIG_NAME}"), digest, findings,
                      new=request.query_params.get("new") == "1")

    async def submit(request: Request):
        key = request.path_params["key"]
        config = site.config(key)
        form = await read_form(request, site.csrf, site.port)
        opened_hash = str(form.get("digest", ""))
        raw = config.read_bytes()
        action = str(form.get("action", "check"))
        if yaml_edit.digest(raw) != opened_hash:
            # Someone changed the file since the form was opened: say how, and write nothing.
            before = site.opened.get(opened_hash)
            changes = yaml_edit.changes_between(before, raw) if before is not None else ()
            data = settings_form.read_form(form, _tree(raw, key), site.library)
            findings = list(gate_text(raw, site.library, site.day()).findings)
            return render(request, key, data, opened_hash, findings, status=409,
                          changed=changes or ("(the earlier text is no longer known; reload the form)",))
        tree = _tree(raw, key)
        wanted = settings_form.read_form(form, tree, site.library)
        wanted = settings_form.apply_action(wanted, action)
        candidate = yaml_edit.dump_tree(yaml_edit.merge(_tree(raw, key), wanted))
        findings = list(gate_text(candidate, site.library, site.day()).findings)
        errors = [p for p in findings if p.severity == "error"]
        if action != "save" or errors:
            return render(request, key, wanted, opened_hash, findings, status=400 if action == "save" else 200)
        outcome = yaml_edit.save(config, opened_hash, candidate, site.opened.get(opened_hash))
        if not outcome.written:
            return render(request, key, wanted, opened_hash, findings, status=409,
                          changed=outcome.changes or ("(the file changed while saving)",))
        new_hash = yaml_edit.digest(candidate)
        site.remember(new_hash, candidate)
        return render(request, key, _tree(candidate, key), new_hash, findings, saved=True)

    return [Route("/m/{key}/settings", show), Route("/m/{key}/settings", submit, methods=["POST"])]
