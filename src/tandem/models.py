"""The one model registry: importing it maps every domain's tables (for Alembic and the mappers).

Only composition roots import this module: the app factory, the CLI root, migrations and tests.
"""

from tandem.activity import models as activity_models
from tandem.agenda import models as agenda_models
from tandem.customer import models as customer_models
from tandem.db import Base
from tandem.portfolio import models as portfolio_models
from tandem.pulse import models as pulse_models
from tandem.questions import models as questions_models
from tandem.scorecard import models as scorecard_models
from tandem.workspace import models as workspace_models

__all__ = [
    "Base",
    "activity_models",
    "agenda_models",
    "customer_models",
    "portfolio_models",
    "pulse_models",
    "questions_models",
    "scorecard_models",
    "workspace_models",
]
