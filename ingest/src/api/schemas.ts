import { prescriptionSchema } from '@zonewatch/clinical';
import { apiErrorSchema } from '@zonewatch/protocol';
import { z } from 'zod';

/** Error responses every route documents (and the serializer checks). */
export const errorResponses = { '4xx': apiErrorSchema, '5xx': apiErrorSchema } as const;

/** Declared for routes that answer 204 with no body. */
export const noContent = z.null().describe('No content');

/**
 * The prescription document as the rules engine defines it (CLINICAL-RULES.md section 1): the API validates
 * request bodies with it, so a nonsensical prescription is refused naming the field (`body.zone.low`).
 */
export const prescriptionDocumentSchema = prescriptionSchema;
