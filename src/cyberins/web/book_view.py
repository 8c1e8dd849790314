"""What the book page draws from the book view's document: the reinsurance programme as a table and as the
YAML its form edits, and the gross and net exceedance curves at their return periods."""

from __future__ import annotations

from typing import Any

import yaml

#: The form's placeholder: a quota share then a cat XL, as a portfolio book writes them (contract §1).
PROGRAMME_EXAMPLE = """reinsurance:
  - {id: qs, kind: quota_share, share: 0.3, event_limit: 50000000}
  - {id: cat_xl, kind: cat_xl, attachment: 20000000, limit: 80000000, premium: 6000000, reinstatements: [{rate: 1.0}]}
ils: []
"""


def programme_rows(programme: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per treaty (inuring order) then per cat bond: id, kind, attachment, limit, share and the
    number of reinstatements (None where the kind has none; "unlimited" for free unlimited ones)."""
    rows = []
    for treaty in programme["reinsurance"]:
        reinstatements = treaty.get("reinstatements")
        rows.append(
            {
                "id": treaty["id"],
                "kind": treaty["kind"],
                "attachment": treaty.get("attachment"),
                "limit": treaty.get("limit", treaty.get("event_limit")),
                "share": treaty.get("share"),
                "reinstatements": reinstatements if reinstatements == "unlimited" else
                (None if reinstatements is None else len(reinstatements)),
            }
        )  # fmt: skip
    for bond in programme["ils"]:
        limit = bond["exhaustion"] - bond["attachment"]
        rows.append(
            {"id": bond["id"], "kind": "cat_bond", "attachment": bond["attachment"], "limit": limit, "share": None,
             "reinstatements": None}
        )  # fmt: skip
    return rows


def programme_yaml(programme: dict[str, Any]) -> str:
    """The programme as the form's YAML, as the contract writes a book's: `reinsurance:` and `ils:`, one item
    a line with its id and kind first, every field written out."""
    text = ""
    for key in ("reinsurance", "ils"):
        items = [{"id": item["id"], "kind": item["kind"], **item} for item in programme[key]]
        lines = [f"  - {yaml.safe_dump(item, default_flow_style=True, sort_keys=False, width=10_000).strip()}\n"
                 for item in items]  # fmt: skip
        text += f"{key}:{'' if items else ' []'}\n" + "".join(lines)
    return text


def exceedance_points(curves: dict[str, Any]) -> list[dict[str, float]]:
    """Per return period of the curves: gross and net AEP and OEP."""
    points: dict[float, dict[str, float]] = {}
    for basis in ("gross", "net"):
        for kind in ("aep", "oep"):
            for period, loss in curves[basis][kind]:
                points.setdefault(period, {"period": period})[f"{basis}_{kind}"] = loss
    return [points[p] for p in sorted(points)]
