/** `POST /api/agents/enroll` body: an enrollment token exchanged once for agent credentials. */
export interface EnrollRequest {
  enrollmentToken: string;
  hostname: string;
  os: string;
  arch: string;
}

export interface EnrollResponse {
  agentId: string;
  /** Shown once; the server keeps only its hash. */
  secret: string;
}

export const ENROLL_PATH = '/api/agents/enroll';
export const AGENTS_NAMESPACE = '/agents';
export const UI_NAMESPACE = '/ui';
