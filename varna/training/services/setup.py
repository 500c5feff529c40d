"""What a new organisation gets from the training app: the common courses and who needs them.

The defaults are a starting point that the organisation changes on the courses page. They are written once:
when an organisation already has courses, set-up leaves its training alone, so that a course or a requirement
the organisation removed or changed stays so after the next ``migrate``. Course codes are the short names
providers' lists and learning platforms use (see the imports and the API).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from varna.core.models import Organisation
from varna.protection.models import FacilityKind
from varna.training.models import Audience, Course, CourseFormat, CourseRequirement


@dataclass(frozen=True)
class DefaultCourse:
    code: str
    name: str  # written in Swedish: the organisation's own course names, not text of the interface
    description: str
    format: str
    validity_months: int | None


@dataclass(frozen=True)
class DefaultRequirement:
    code: str  # the course
    audience: str
    within_days: int
    facility_kind: str = ""


DEFAULT_COURSES = (
    DefaultCourse(
        "brand-grund",
        "Grundläggande brandskydd",
        "Hur brand uppstår och sprids, att larma, släcka och utrymma. Görs en gång.",
        CourseFormat.CLASSROOM,
        None,
    ),
    DefaultCourse(
        "brand-repetition",
        "Brandskydd repetition",
        "Repetition av brandskyddet med praktisk släckövning, vart tredje år.",
        CourseFormat.CLASSROOM,
        36,
    ),
    DefaultCourse(
        "hlr",
        "HLR och första hjälpen",
        "Hjärt-lungräddning med hjärtstartare och första hjälpen, vartannat år.",
        CourseFormat.CLASSROOM,
        24,
    ),
    DefaultCourse(
        "hot-och-vald",
        "Hot och våld",
        "Att förebygga, hantera och rapportera hot och våld i arbetet.",
        CourseFormat.CLASSROOM,
        None,
    ),
    DefaultCourse(
        "sakerhet-chef",
        "Säkerhet för chefer",
        "Chefens ansvar för säkerhetsarbetet, en del av chefsprogrammet.",
        CourseFormat.CLASSROOM,
        None,
    ),
    DefaultCourse(
        "informationssakerhet",
        "Informationssäkerhet",
        "Att hantera information säkert: klassning, lösenord, nätfiske och incidenter. Vartannat år.",
        CourseFormat.E_LEARNING,
        24,
    ),
    DefaultCourse(
        "introduktion",
        "Introduktion om säkerhetspolicyn för nyanställda",
        "Kommunens säkerhetspolicy, var du rapporterar en händelse och vem du vänder dig till.",
        CourseFormat.E_LEARNING,
        None,
    ),
)

# The refresher is due three years after employment start, and then every three years (its validity).
REFRESHER_DAYS = 3 * 365

DEFAULT_REQUIREMENTS = (
    DefaultRequirement("brand-grund", Audience.EVERYONE, 90),
    DefaultRequirement("brand-repetition", Audience.EVERYONE, REFRESHER_DAYS),
    DefaultRequirement("sakerhet-chef", Audience.MANAGERS, 180),
    DefaultRequirement("hlr", Audience.EVERYONE, 90, FacilityKind.CARE_HOME),
    DefaultRequirement("introduktion", Audience.EVERYONE, 30),
    DefaultRequirement("informationssakerhet", Audience.EVERYONE, 90),
)


@transaction.atomic
def set_up_training(organisation: Organisation) -> None:
    """Give an organisation without courses the common courses and requirements; otherwise change nothing."""
    if Course.objects.filter(organisation=organisation).exists():
        return
    courses: dict[str, Course] = {}
    for default in DEFAULT_COURSES:
        courses[default.code], _created = Course.objects.get_or_create(
            organisation=organisation,
            code=default.code,
            defaults={
                "name": default.name,
                "description": default.description,
                "format": default.format,
                "validity_months": default.validity_months,
            },
        )
    for requirement in DEFAULT_REQUIREMENTS:
        CourseRequirement.objects.get_or_create(
            organisation=organisation,
            course=courses[requirement.code],
            audience=requirement.audience,
            role="",
            node=None,
            facility_kind=requirement.facility_kind,
            defaults={"within_days": requirement.within_days},
        )
