"""The customer module's routers, for the application factory to include."""

from __future__ import annotations

from fastapi import APIRouter

from tandem.customer import ingest_api, source_views

ROUTERS: tuple[APIRouter, ...] = (source_views.router, ingest_api.router)
