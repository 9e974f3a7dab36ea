"""FastAPI baseline for `bench/http.ts`: NovaCron's `POST /api/v1/process` envelope, doing the
same work as the engine for an unknown (service, method) pair:

* a pydantic model validates the envelope (id optional str <= 200; service and method str of
  1..100 characters, strict: no number-to-string coercion; data and metadata optional objects);
* the caller is authenticated from `X-API-Key: <key>` or `Authorization: Bearer <key>`: the key's
  shape is checked, its SHA-256 compared in constant time with the stored hash (as the engine
  does; the engine also caches the verification per key);
* the answer is HTTP 200 `{id, success:false, error, process_time, model_version:"unknown",
  supported_services}` through a response model, like the engine's response schema.

Settings come from the environment: BENCH_API_KEY (the key to accept) and
BENCH_SUPPORTED_SERVICES (a JSON file holding the engine's `supported_services`, so both servers
answer the same bytes' worth). Run: python3 -m uvicorn fastapi_app:app --app-dir bench/baselines
"""

import hashlib
import hmac
import json
import os
import re
import time
import uuid
from typing import Any, Dict, List, Optional

from fastapi import Depends, FastAPI, Header, HTTPException
from pydantic import BaseModel, constr

API_KEY = os.environ.get("BENCH_API_KEY", "")
KEY_HASH = hashlib.sha256(API_KEY.encode()).hexdigest()
KEY_PATTERN = re.compile(r"^nck_([a-z0-9]{12})_([A-Za-z0-9_-]{32})$")
BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)

_services_file = os.environ.get("BENCH_SUPPORTED_SERVICES")
if _services_file:
    with open(_services_file, encoding="utf-8") as f:
        SUPPORTED: Dict[str, List[str]] = json.load(f)
else:
    SUPPORTED = {"anomaly": ["detect"], "failure": ["predict"], "placement": ["place"]}


class Envelope(BaseModel):
    id: Optional[constr(strict=True, max_length=200)] = None
    service: constr(strict=True, min_length=1, max_length=100)
    method: constr(strict=True, min_length=1, max_length=100)
    data: Optional[Dict[str, Any]] = None
    metadata: Optional[Dict[str, Any]] = None


class EnvelopeResponse(BaseModel):
    id: str
    success: bool
    data: Optional[Dict[str, Any]] = None
    error: Optional[str] = None
    confidence: Optional[float] = None
    process_time: float
    model_version: str
    supported_services: Optional[Dict[str, List[str]]] = None


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


async def principal(
    x_api_key: Optional[str] = Header(None),
    authorization: Optional[str] = Header(None),
) -> str:
    if x_api_key is not None:
        key = x_api_key.strip()
    elif authorization is not None:
        m = BEARER.match(authorization)
        if not m:
            raise unauthorized('Authorization header must be "Bearer <API key or token>"')
        key = m.group(1)
    else:
        raise unauthorized('Send an API key as "Authorization: Bearer <key>" or "X-API-Key: <key>"')
    m = KEY_PATTERN.match(key)
    if not m:
        raise unauthorized("Malformed API key")
    if not hmac.compare_digest(hashlib.sha256(key.encode()).hexdigest(), KEY_HASH):
        raise unauthorized("Unknown or revoked API key")
    return m.group(1)


def normalise(s: str) -> str:
    return s.strip().lower()


app = FastAPI(title="NovaCron envelope baseline", docs_url=None, redoc_url=None, openapi_url=None)


@app.get("/ready")
def ready() -> Dict[str, bool]:
    return {"ready": True}


@app.post("/api/v1/process", response_model=EnvelopeResponse, response_model_exclude_none=True)
async def process(body: Envelope, _who: str = Depends(principal)) -> Dict[str, Any]:
    started = time.perf_counter()
    return {
        "id": body.id if body.id is not None else str(uuid.uuid4()),
        "success": False,
        "error": f"Unknown service '{normalise(body.service)}' or method '{normalise(body.method)}'",
        "process_time": time.perf_counter() - started,
        "model_version": "unknown",
        "supported_services": SUPPORTED,
    }
