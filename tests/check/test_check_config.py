"""Config discovery and validation: `.licheck.yaml` and `[tool.licheck]`."""

from __future__ import annotations

from pathlib import Path

import pytest

from licheck.config import DEFAULT_CONFIG, find_config, load_config
from licheck.errors import ConfigError


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    assert load_config(cwd=tmp_path) == DEFAULT_CONFIG


def test_yaml_config_paths_are_relative_to_its_folder(tmp_path: Path) -> None:
    sub = tmp_path / "conf"
    sub.mkdir()
    cfg = sub / ".licheck.yaml"
    cfg.write_text("manifest: m.yaml\ncontext: ctx.yaml\nfail_on: Warning\noffline: true\n"
                   "extra_rules: [rules]\nwaivers: w.yaml\nstrict: false\n")
    config = load_config(cfg)
    assert Path(config.manifest) == sub / "m.yaml"
    assert Path(config.context) == sub / "ctx.yaml"
    assert Path(config.waivers) == sub / "w.yaml"
    assert config.extra_rules == (str(sub / "rules"),)
    assert config.fail_on == "warning"
    assert config.offline is True and config.strict is False


def test_unknown_key_names_key_and_line(tmp_path: Path) -> None:
    cfg = tmp_path / ".licheck.yaml"
    cfg.write_text("offline: true\nfail-onn: error\n")   # `fail-on` is the flag's spelling: accepted
    with pytest.raises(ConfigError) as err:
        load_config(cfg)
    assert str(err.value).startswith(f"{cfg}:2: unknown key 'fail-onn'")


@pytest.mark.parametrize("body, needle", [
    ("offline: yes please\n", "'offline' must be true or false"),
    ("fail_on: sometimes\n", "'fail_on' must be one of"),
    ("extra_rules: 3\n", "must be a path or a list"),
    ("context: 5\n", "'context' must be a path or a mapping"),
    ("- a\n- b\n", "must be a mapping"),
])
def test_wrong_types_are_config_errors(tmp_path: Path, body: str, needle: str) -> None:
    cfg = tmp_path / ".licheck.yaml"
    cfg.write_text(body)
    with pytest.raises(ConfigError, match=needle):
        load_config(cfg)


def test_pyproject_table_is_found_and_validated(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.licheck]\nfail_on = "obligation"\n'
        'context = { use = { commercial = false } }\n')
    found = find_config(tmp_path)
    assert found is not None and found.name == "pyproject.toml"
    config = load_config(found)
    assert config.fail_on == "obligation"
    assert config.context == {"use": {"commercial": False}}


def test_pyproject_without_table_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n')
    assert find_config(tmp_path) is None


def test_pyproject_unknown_key_has_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n[tool.licheck]\noffline = true\nstrictly = true\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:5: unknown key 'strictly'")


def test_invalid_toml_is_a_config_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.licheck]\noffline = tru\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"{path}:2: invalid TOML")


def test_dotfile_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.licheck]\noffline = true\n')
    (tmp_path / ".licheck.yaml").write_text("offline: false\n")
    assert find_config(tmp_path) == tmp_path / ".licheck.yaml"
