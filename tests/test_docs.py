"""Generated reference docs are current, and every parameter declares unit, range and source."""

from cgsim import docs
from cgsim.params import param_table
from cgsim.policies import all_policies
from cgsim.scenarios import ROOT


def test_generated_docs_are_current():
    assert (ROOT / "docs" / "PARAMETERS.md").read_text(encoding="utf-8") == docs.parameters_md(), \
        "run `python -m cgsim.docs`"
    assert (ROOT / "docs" / "OUTPUTS.md").read_text(encoding="utf-8") == docs.outputs_md()


def test_every_parameter_is_documented_as_data():
    for r in param_table():
        assert r["unit"] and r["source"] and r["doc"], r["name"]
        if r["type"] in ("int", "float"):
            assert r["lo"] is not None and r["hi"] is not None and r["lo"] <= r["default"] <= r["hi"], r["name"]
    for cls in all_policies().values():
        assert cls.source and cls.summary and cls.__module__.startswith("cgsim.policies.")
        for name, f in cls.Params.model_fields.items():
            assert f.description and (f.json_schema_extra or {}).get("source"), (cls.id, name)
