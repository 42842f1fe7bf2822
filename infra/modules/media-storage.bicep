// Issue 16: the platform's photos and documents, uploaded by browsers straight to this account with
// short-lived user delegation SAS URLs the apps issue (their managed identity; no account keys).
// Public images (donation-images, campaign-images) are readable by anyone; verification documents and
// message attachments only through short-lived read SAS URLs the apps give to who may see them.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

@description('Browser origins allowed to PUT uploads and GET files (the same list as the apps\' CORS).')
param allowedOrigins array

@description('The apps\' identities (principal ids): Storage Blob Data Contributor here, which includes issuing user delegation keys.')
param principalIds string[]

var publicContainers = ['donation-images', 'campaign-images']
var privateContainers = ['verification-documents', 'message-attachments']
var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false // user delegation SAS only (signed with the apps' Entra identity)
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: true // only the two public image containers use it
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    cors: {
      corsRules: empty(allowedOrigins) ? [] : [
        {
          allowedOrigins: allowedOrigins
          allowedMethods: ['GET', 'HEAD', 'PUT', 'OPTIONS']
          allowedHeaders: ['content-type', 'x-ms-blob-type', 'x-ms-version', 'x-ms-client-request-id']
          exposedHeaders: ['etag', 'x-ms-request-id']
          maxAgeInSeconds: 3600
        }
      ]
    }
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource publicImages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in publicContainers: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'Blob' // a blob by its URL; listing the container stays private
  }
}]

resource privateFiles 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in privateContainers: {
  parent: blobService
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource appsWriteAndSign 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for principalId in principalIds: {
  name: guid(account.id, principalId, storageBlobDataContributor)
  scope: account
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageBlobDataContributor)
  }
}]

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
