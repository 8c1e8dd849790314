"""Asset inventories (contract `monitoring.md` §2): CSV, JSON and Nmap XML rows, and every error's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cyberins.model.errors import InvalidInput
from cyberins.monitor.inventory import REQUIRED, read_assets

HEADER = ",".join(REQUIRED)
LOG4J = "web-1,10.0.0.5,apache,log4j,2.14.1,cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*,order service,true"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_the_example_inventory_reads_as_its_readme_says(feeds_dir: Path) -> None:
    inventory = read_assets(feeds_dir / "example_assets.csv")
    assert len(inventory.rows) == 72
    assert len(inventory.hosts) == 58
    assert sum(r.internet_facing for r in inventory.rows) == 17
    first = inventory.rows[0]
    assert (first.hostname, first.cpe, first.part, first.criticality, first.where) == (
        "hz-fw-01", "cpe:2.3:o:fortinet:fortios:6.4.12:*:*:*:*:*:*:*", "o", "medium", "row 2",
    )  # fmt: skip
    assert not inventory.rdp_exposed and inventory.risky_services == ()


def test_an_empty_cpe_is_built_from_part_vendor_product_and_version_with_escapes(tmp_path: Path) -> None:
    text = f"{HEADER},part,criticality\nsw-1,10.0.0.9,cisco,ios,15.2(5)E,,core switch,false,o,high\n"
    (row,) = read_assets(write(tmp_path, "a.csv", text)).rows
    assert row.cpe == r"cpe:2.3:o:cisco:ios:15.2\(5\)E:*:*:*:*:*:*:*"
    assert (row.part, row.criticality, row.internet_facing) == ("o", "high", False)


def test_an_empty_version_is_any(tmp_path: Path) -> None:
    (row,) = read_assets(write(tmp_path, "a.csv", f"{HEADER}\nh,,apache,tomcat,,,app,false\n")).rows
    assert row.cpe == "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*"


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    header = HEADER.replace(",cpe", "")
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "a.csv", f"{header}\nweb-1,10.0.0.5,apache,log4j,2.14.1,app,true\n"))
    assert problems(exc) == ["cpe: required column missing"]
    assert exc.value.source.endswith("a.csv")


def test_a_malformed_cpe_names_the_file_line_and_column(tmp_path: Path) -> None:
    bad = "web-2,10.0.0.6,apache,tomcat,9.0.1,cpe:/a:apache:tomcat:9.0.1,app,false"
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "a.csv", f"{HEADER}\n{LOG4J}\n{bad}\n"))
    assert problems(exc) == ["row 3, cpe: not a CPE 2.3 formatted string"]


def test_rows_are_numbered_by_file_line_when_a_quoted_field_spans_lines(tmp_path: Path) -> None:
    multi = 'web-2,10.0.0.6,apache,tomcat,9.0.1,,"order service\nsecond line",maybe'
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "a.csv", f"{HEADER}\n{multi}\n{LOG4J.replace('true', 'yes')}\n"))
    assert problems(exc) == [
        "row 2, internet_facing: 'maybe' is not true or false",
        "row 4, internet_facing: 'yes' is not true or false",
    ]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (
            "web-1,10.0.0.5,apache,log4j,2.14.1,,app,true,urgent",
            "criticality",
            "'urgent' is not one of high, medium, low",
        ),
        ("web-1,10.0.0.999,apache,log4j,2.14.1,,app,true,low", "ip", "'10.0.0.999' is not an IPv4 or IPv6 address"),
        (",10.0.0.5,apache,log4j,2.14.1,,app,true,low", "hostname", "empty; give a value"),
        ("web-1,10.0.0.5,,,,,app,true,low", "cpe", "empty, and vendor and product do not name the component"),
    ],
)
def test_each_bad_cell_is_named(tmp_path: Path, cells: str, column: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "a.csv", f"{HEADER},criticality\n{cells}\n"))
    assert problems(exc)[0].startswith(f"row 2, {column}: {message}")


def test_json_rows_equal_csv_rows_and_errors_name_the_index(tmp_path: Path, feeds_dir: Path) -> None:
    csv_rows = read_assets(feeds_dir / "example_assets.csv").rows
    items = [{**r.to_json(), "internet_facing": r.internet_facing} for r in csv_rows[:3]]
    json_rows = read_assets(write(tmp_path, "a.json", json.dumps(items))).rows
    assert [(r.hostname, r.cpe, r.internet_facing) for r in json_rows] == [
        (r.hostname, r.cpe, r.internet_facing) for r in csv_rows[:3]
    ]
    items[1]["internet_facing"] = "true"  # a string, not a JSON boolean
    items[2]["cpe"] = "cpe:2.3:a:apache"
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "b.json", json.dumps(items)))
    assert problems(exc) == [
        "[1].internet_facing: 'true' is not true or false (a JSON boolean)",
        "[2].cpe: has 2 attributes, expected 11",
    ]
    del items[0]["role"]
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "c.json", json.dumps(items[:1])))
    assert problems(exc) == ["[0].role: required key missing"]


#: A hand-written `nmap -sV -O -oX` output: services with and without versions, an OS guessed twice, RDP.
NMAP = (Path(__file__).resolve().parents[2] / "examples" / "monitoring" / "nmap-scan.xml").read_text()


def test_nmap_rows_per_service_and_os_cpe_with_the_service_version_filling_in(tmp_path: Path) -> None:
    inventory = read_assets(write(tmp_path, "scan.xml", NMAP))
    assert [(r.hostname, r.cpe) for r in inventory.rows] == [
        ("vpn.example.cn", "cpe:2.3:o:fortinet:fortios:6.4.12:*:*:*:*:*:*:*"),
        ("vpn.example.cn", "cpe:2.3:a:openbsd:openssh:8.2p1:*:*:*:*:*:*:*"),
        ("vpn.example.cn", "cpe:2.3:a:mysql:mysql:5.7.30:*:*:*:*:*:*:*"),
        ("vpn.example.cn", "cpe:2.3:o:linux:linux_kernel:4.15:*:*:*:*:*:*:*"),  # once, though two osmatches name it
    ]
    assert all(r.internet_facing and r.ip == "203.0.113.5" for r in inventory.rows)
    assert inventory.rows[0].where == "host vpn.example.cn, port 443/tcp"
    assert inventory.rdp_exposed  # 3389 open
    assert inventory.risky_services == ("telnet", "database")  # 445 is closed; the telnet host has no CPE row


def test_nmap_without_a_hostname_uses_the_address(tmp_path: Path) -> None:
    text = NMAP.replace('<hostname name="vpn.example.cn" type="PTR"/>', "")
    assert {r.hostname for r in read_assets(write(tmp_path, "scan.xml", text)).rows} == {"203.0.113.5"}


def test_nmap_xml_declaring_entities_is_refused_before_expansion(tmp_path: Path) -> None:
    laughs = """<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<nmaprun><host><hostnames><hostname name="&lol2;"/></hostnames></host></nmaprun>
"""
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "scan.xml", laughs))
    assert problems(exc) == ["entity declarations and external references are not allowed in an inventory"]


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "scan.xml", "<nmaprun>\n<host>\n</nmaprun>\n"))
    assert problems(exc)[0].startswith("malformed XML at line 3")


def test_an_nmap_cpe_that_is_not_a_uri_names_host_and_port(tmp_path: Path) -> None:
    text = NMAP.replace("cpe:/a:mysql:mysql:5.7.30", "mysql 5.7")
    with pytest.raises(InvalidInput) as exc:
        read_assets(write(tmp_path, "scan.xml", text))
    assert problems(exc)[0].startswith("host vpn.example.cn, port 3306/tcp, cpe: 'mysql 5.7' is not a CPE 2.2 URI")


def test_an_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="unknown format '.txt': use .csv, .json, .xml"):
        read_assets(write(tmp_path, "a.txt", "x"))
