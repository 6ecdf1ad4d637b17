"""import-linter contract types of oms (loaded by `lint-imports` via `contract_types`)."""

from __future__ import annotations

from importlinter import Contract, ContractCheck, fields, output


class PublicInterfaceContract(Contract):
    """Modules inside a context are private: outsiders import only the context package itself.

    ``oms.orders`` may do ``from oms import catalog`` or ``from oms.catalog import find_variants``,
    never ``from oms.catalog.services import ...``. The composition roots in ``allowed_importers``
    may reach any module (they wire routers, tables and CLIs together).
    """

    type_name = "public_interface"

    containers = fields.ListField(subfield=fields.StringField())
    allowed_importers = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose):  # type: ignore[no-untyped-def]  # noqa: ARG002
        allowed = [str(a) for a in (self.allowed_importers or [])]  # type: ignore[attr-defined]
        violations = []
        for container in sorted(str(c) for c in self.containers):  # type: ignore[attr-defined]
            for module in sorted(graph.find_descendants(container)):
                for importer in sorted(graph.find_modules_that_directly_import(module)):
                    if _inside(importer, container) or any(_inside(importer, a) for a in allowed):
                        continue
                    details = graph.get_import_details(importer=importer, imported=module)
                    line = details[0]["line_number"] if details else "?"
                    violations.append({"importer": importer, "imported": module, "line": line})
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check):  # type: ignore[no-untyped-def]
        for v in check.metadata["violations"]:
            output.print_error(
                f"{v['importer']} (line {v['line']}) imports private module {v['imported']}; "
                "use the context's package interface instead",
                bold=False,
            )
            output.new_line()


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")
