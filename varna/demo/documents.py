"""Governing documents (P1, P7, G12, K1-K2): Exempelkommun's policy, guidelines, routines and plans, with versions.

- The security policy adopted by kommunfullmäktige (a first version replaced by a second), the guidelines by
  kommunstyrelsen (past their revision date), the routine for threats and violence (adopted, with a draft of the
  next version), the crisis management plan, the information-security and fire-protection policies, the
  insurance strategy and a secret security-protection analysis.
- The preparedness plan's sub-plans: social services, school and childcare current, elderly care out of date,
  water and sewage missing.
- An instruction for Solrosens förskola (adopted) and a draft one for Hemtjänst Centrum, so that the personas
  see public, draft and secret documents; Grannby has its policy and one unit instruction.
- The routine for threats and violence is linked from a risk and an action ("see the routine …").

Each version's file is a small generated PDF (a few hundred bytes) under ``documents/governing/demo/``, written
once and reused by later runs. A few rows per municipality, written with ``ctx.save`` (with history rows).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q

from varna.demo.context import OrgContext
from varna.demo.personas import coordinator_username
from varna.documents.models import (
    DocumentKind,
    DocumentLink,
    DocumentVersion,
    GoverningDocument,
    Operation,
    VersionStatus,
)
from varna.plans.models import Action
from varna.risks.models import Risk

K = DocumentKind
O = Operation  # noqa: E741


@dataclass(frozen=True)
class Spec:
    title: str
    kind: str
    node: str  # the owner unit's name
    body: str  # the adopting body
    versions: tuple[tuple[int, int], ...]  # (year, month) of each adopted version, oldest first
    draft: bool = False  # a draft of the next version
    revision_months: int = 24  # months from the latest decision to the next revision (negative: overdue)
    operation: str = ""
    secret: bool = False


CENTRAL = "Säkerhet och beredskap"
EXEMPELKOMMUN_DOCUMENTS = (
    Spec(
        "Säkerhetspolicy för Exempelkommun",
        K.SECURITY_POLICY,
        CENTRAL,
        "Kommunfullmäktige",
        ((2019, 9), (2023, 9)),
        revision_months=48,
    ),
    Spec("Riktlinjer för säkerhetsarbetet", K.GUIDELINES, CENTRAL, "Kommunstyrelsen", ((2021, 3),), revision_months=36),
    Spec("Rutin för hot och våld", K.THREAT_AND_VIOLENCE, "HR-enheten", "Kommunstyrelsen", ((2022, 5),), draft=True),
    Spec("Krisledningsplan", K.CRISIS_MANAGEMENT_PLAN, CENTRAL, "Kommunfullmäktige", ((2024, 2),), revision_months=48),
    Spec(
        "Informationssäkerhetspolicy",
        K.INFORMATION_SECURITY_POLICY,
        "IT-enheten",
        "Kommunfullmäktige",
        ((2023, 11),),
        revision_months=48,
    ),
    Spec("Brandskyddspolicy", K.FIRE_PROTECTION_POLICY, CENTRAL, "Kommunstyrelsen", ((2022, 10),), revision_months=48),
    Spec(
        "Försäkringsstrategi",
        K.INSURANCE_STRATEGY,
        "Ekonomienheten",
        "Kommunstyrelsen",
        ((2024, 6),),
        revision_months=36,
    ),
    Spec(
        "Säkerhetsskyddsanalys", K.SECURITY_PROTECTION_ANALYSIS, CENTRAL, "Kommunstyrelsen", ((2024, 4),), secret=True
    ),
    Spec(
        "Delplan för höjd beredskap – socialtjänst",
        K.PREPAREDNESS_SUBPLAN,
        "Socialförvaltningen",
        "Socialnämnden",
        ((2024, 3),),
        operation=O.SOCIAL_SERVICES,
        revision_months=36,
    ),
    Spec(
        "Delplan för höjd beredskap – skola",
        K.PREPAREDNESS_SUBPLAN,
        "Barn- och utbildningsförvaltningen",
        "Barn- och utbildningsnämnden",
        ((2024, 5),),
        operation=O.SCHOOL,
        revision_months=36,
    ),
    Spec(
        "Delplan för höjd beredskap – barnomsorg",
        K.PREPAREDNESS_SUBPLAN,
        "Förskoleområde Centrum",
        "Barn- och utbildningsnämnden",
        ((2024, 5),),
        operation=O.CHILDCARE,
        revision_months=36,
    ),
    Spec(
        "Delplan för höjd beredskap – äldreomsorg",
        K.PREPAREDNESS_SUBPLAN,
        "Vård- och omsorgsförvaltningen",
        "Vård- och omsorgsnämnden",
        ((2020, 4),),
        operation=O.ELDERLY_CARE,
        revision_months=24,
    ),
    Spec(
        "Instruktion vid utrymning – Solrosens förskola",
        K.UNIT_INSTRUCTION,
        "Solrosens förskola",
        "Barn- och utbildningsförvaltningen",
        ((2025, 1),),
    ),
    Spec(
        "Instruktion vid ensamarbete – Hemtjänst Centrum",
        K.UNIT_INSTRUCTION,
        "Hemtjänst Centrum",
        "Vård- och omsorgsförvaltningen",
        (),
        draft=True,
    ),
)
# Water and sewage has no sub-plan: the preparedness page shows it missing.


def tiny_pdf(title: str) -> bytes:
    """A one-page PDF with ``title`` on it: enough for a demo file (a few hundred bytes, no renderer)."""
    text = title.encode("latin-1", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 56 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\n"
    out += b"startxref\n" + str(xref).encode() + b"\n%%EOF\n"
    return bytes(out)


def _file(ctx: OrgContext, index: int, number: int, title: str) -> tuple[str, int]:
    """The demo file of a version (written once, then reused): its storage name and size."""
    name = f"documents/governing/demo/{ctx.slug}-{index:02d}-v{number}.pdf"
    data = tiny_pdf(f"{title}, version {number}")
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(data))
    return name, len(data)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def grannby_documents(ctx: OrgContext) -> tuple[Spec, ...]:
    """Grannby: the policy, and an instruction for its first unit at the deepest level (the tests' sample)."""
    deepest = max(ctx.specs, key=lambda s: s.depth)
    unit = next(s for s in ctx.specs if s.depth == deepest.depth)
    return (
        Spec(
            "Säkerhetspolicy för Grannby kommun",
            K.SECURITY_POLICY,
            "Kommunstyrelsen",
            "Kommunfullmäktige",
            ((2022, 6),),
            revision_months=48,
        ),
        Spec(f"Instruktion vid hot – {unit.name}", K.UNIT_INSTRUCTION, unit.name, "Kommunstyrelsen", ((2024, 9),)),
    )


def build(ctx: OrgContext) -> None:
    if ctx.index > 1:
        return  # further municipalities have no documents in the demo
    specs = EXEMPELKOMMUN_DOCUMENTS if ctx.index == 0 else grannby_documents(ctx)
    owner_fallback = ctx.personas[coordinator_username(ctx.slug)]
    author = owner_fallback
    documents: list[GoverningDocument] = []
    planned: list[tuple[Spec, GoverningDocument]] = []
    for spec in specs:
        node_spec = ctx.by_name[spec.node]
        owner = ctx.holder("unit_manager", node_spec) or ctx.holder("head_of_administration", node_spec)
        if spec.node == CENTRAL or spec.secret or owner is None:
            owner = owner_fallback
        latest = datetime.date(*spec.versions[-1], 15) if spec.versions else None
        document = GoverningDocument(
            organisation=ctx.organisation,
            node=node_spec.node,
            kind=spec.kind,
            operation=spec.operation,
            title=spec.title,
            adopting_body=spec.body,
            owner=owner,
            secret=spec.secret,
            next_revision_on=_add_months(latest, spec.revision_months) if latest else None,
            created_by=author,
        )
        documents.append(document)
        planned.append((spec, document))
    ctx.save(GoverningDocument, documents)
    versions: list[DocumentVersion] = []
    current: dict[int, DocumentVersion] = {}
    for index, (spec, document) in enumerate(planned):
        count = len(spec.versions)
        for number, (year, month) in enumerate(spec.versions, start=1):
            decided = datetime.date(year, month, 15)
            name, size = _file(ctx, index, number, spec.title)
            version = DocumentVersion(
                organisation=ctx.organisation,
                document=document,
                number=number,
                status=VersionStatus.ADOPTED,
                changes="Första versionen." if number == 1 else "Reviderad efter den årliga uppföljningen.",
                file=name,
                original_name=f"{spec.title}.pdf",
                content_type="application/pdf",
                size=size,
                adopted_by_body=spec.body,
                decided_on=decided,
                minute_paragraph=f"§ {40 + 7 * index + number}",
                registry_number=f"KS {year}/{100 + index:04d}",
                valid_from=decided,
                adopted_at=datetime.datetime(year, month, 16, 9, 0, tzinfo=datetime.UTC),
                adopted_by=author,
                is_open=not spec.secret,
                created_by=author,
            )
            versions.append(version)
            if number == count:
                current[document.pk] = version
        if spec.draft:
            name, size = _file(ctx, index, count + 1, spec.title)
            versions.append(
                DocumentVersion(
                    organisation=ctx.organisation,
                    document=document,
                    number=count + 1,
                    status=VersionStatus.DRAFT,
                    changes="Utkast: nya avsnitt om ensamarbete och om stöd efter en händelse.",
                    file=name,
                    original_name=f"{spec.title} (utkast).pdf",
                    content_type="application/pdf",
                    size=size,
                    created_by=author,
                )
            )
    ctx.save(DocumentVersion, versions)
    for document in documents:
        document.current_version = current.get(document.pk)
        document.is_open = document.current_version is not None and not document.secret
    GoverningDocument.objects.bulk_update(documents, ["current_version", "is_open"])
    if ctx.index == 0:
        _links(ctx, next(d for s, d in planned if s.kind == K.THREAT_AND_VIOLENCE))


def _links(ctx: OrgContext, routine: GoverningDocument) -> None:
    """The routine for threats and violence, linked from a risk of threats and from an action."""
    organisation = ctx.organisation
    risk = (
        Risk.objects.filter(organisation=organisation)
        .filter(Q(title__icontains="hot") | Q(title__icontains="våld"))
        .order_by("pk")
        .first()
    )
    action = Action.objects.filter(organisation=organisation).order_by("pk").first()
    links = []
    if risk is not None:
        links.append(
            DocumentLink(organisation=organisation, document=routine, risk=risk, created_by=routine.created_by)
        )
    if action is not None:
        links.append(
            DocumentLink(organisation=organisation, document=routine, action=action, created_by=routine.created_by)
        )
    ctx.save(DocumentLink, links)
